using Portal.Core.Engine;

namespace Portal.Tests.Engine;

public sealed class FixturePackageTests
{
    [Fact]
    public void Loads_metadata_entities_variables_and_parameters()
    {
        var model = EnginePackages.Xx;
        Assert.Equal(("xx", "1.0.0", "XXX", 2024), (model.Country, model.Version, model.Currency, model.DefaultPeriod));
        Assert.Equal((4, 6), model.YearStart);
        Assert.Equal(["person", "tax_unit", "household"], model.Entities.Select(e => e.Key));
        Assert.Equal("tax_unit", model.FindEntityByPlural("tax_units")!.Key);
        Assert.Equal(["head", "dependent"], model.FindEntity("tax_unit")!.Roles.Select(r => r.Key));
        Assert.True(model.FindVariable("age")!.IsInput);
        Assert.Equal(VariableValueType.Enum, model.FindVariable("family_type")!.ValueType);
        var allowance = Assert.IsType<ParameterLeaf>(model.FindParameter("tax.income.personal_allowance"));
        Assert.Equal("https://example.org/income-tax", Assert.Single(allowance.References).Href);
        var rates = Assert.IsType<ParameterScale>(model.FindParameter("TAX.Income.Rates"));
        Assert.Equal(3, rates.Brackets.Count);
        Assert.Equal("Child benefit rules", model.FindParameter("benefits.child.amount.SINGLE")!.References[0].Title);
    }

    [Fact]
    public void Dependency_graph_queries()
    {
        var model = EnginePackages.Xx;
        Assert.Equal(["employment_income"], model.DependenciesOf("income_tax"));
        Assert.Contains("household_net_income", model.DependentsOf("income_tax"));
        Assert.Equal(["tax.income.personal_allowance", "tax.income.rates"], model.ParametersOf("income_tax").Order());
        Assert.Contains("is_dependent", model.DependenciesOf("child_count"));
        Assert.Empty(model.DependenciesOf("age"));
    }

    [Fact]
    public void All_yaml_test_cases_pass()
    {
        var report = ModelTestRunner.Run(EnginePackages.Xx);
        Assert.Equal(3, report.Results.Count);
        Assert.All(report.Results, r => Assert.True(r.Passed, $"{r.Case.Name}: {r.Error} {string.Join("; ", r.Checks.Where(c => !c.Passed).Select(c => $"{c.Variable}[{c.Instance}] expected {c.Expected} got {c.Actual}"))}"));
        Assert.Equal(2, report.Results[1].Case.References.Count);
    }

    [Fact]
    public void Release_hash_matches_the_lock_file_and_is_line_ending_independent()
    {
        var locked = Assert.Single(ReleaseLockFile.Read(Path.Combine(EnginePackages.FixtureCountries, "xx")));
        Assert.Equal(locked.Sha256, ReleaseHash.Compute(EnginePackages.FixtureRelease));
        Assert.Equal(locked.Sha256, EnginePackages.Xx.Sha256);

        using var temp = EnginePackages.Copy(withTests: true);
        var file = Path.Combine(EnginePackages.ReleaseOf(temp), "package.yaml");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(locked.Sha256, ReleaseHash.Compute(EnginePackages.ReleaseOf(temp)));
        File.AppendAllText(file, "# changed\n");
        Assert.NotEqual(locked.Sha256, ReleaseHash.Compute(EnginePackages.ReleaseOf(temp)));
    }
}
