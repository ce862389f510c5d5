using Portal.Core.Engine;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Engine;

public sealed class PopulationSubsetTests
{
    /// <summary>Three households: {0, 1}, {2, 3, 4} (two tax units), {5}.</summary>
    private static Population Sample()
    {
        var model = EnginePackages.Xx;
        var population = EnginePackages.People(model, [40, 38, 45, 20, 10, 70], [30000, 20000, 90000, 15000, 0, 12000],
            taxUnits: [0, 0, 1, 2, 1, 3], households: [0, 0, 1, 1, 1, 2]);
        population.SetAuxiliary(new AuxiliaryColumn("district", "household", [101, 102, 101]));
        population.SetAuxiliary(new AuxiliaryColumn("code", "household", [1, 0, 1], ["A", "B"]));
        population.SetAuxiliary(new AuxiliaryColumn("is_male", "person", [1, 0, 1, 0, 1, 0]));
        return population;
    }

    [Fact]
    public void A_household_subset_keeps_members_groups_inputs_and_auxiliary_columns_in_order()
    {
        var full = Sample();
        var subset = full.Subset("household", [true, false, true]);

        Assert.Equal(3, subset.PersonCount);
        Assert.Equal(2, subset.Count("household"));
        Assert.Equal(2, subset.Count("tax_unit"));
        Assert.Equal([0, 0, 1], subset.Map("person", "household"));
        Assert.Equal([0, 0, 1], subset.Map("person", "tax_unit"));
        Assert.True(subset.TryGetInput("age", out var age));
        Assert.Equal([40, 38, 70], age);
        Assert.True(subset.TryGetAuxiliary("district", out var district));
        Assert.Equal([101, 101], district.Values);
        Assert.True(subset.TryGetAuxiliary("code", out var code));
        Assert.Equal(["B", "B"], new[] { code.Text(0), code.Text(1) });
        Assert.True(subset.TryGetAuxiliary("is_male", out var male));
        Assert.Equal([1, 0, 0], male.Values);

        // Results per household are those of the full population.
        var model = EnginePackages.Xx;
        var all = new Simulation(model, full, 2024).Calculate("household_net_income");
        var some = new Simulation(model, subset, 2024).Calculate("household_net_income");
        Assert.Equal([all[0], all[2]], some);

        // The original is untouched.
        Assert.Equal(6, full.PersonCount);
        Assert.Equal(4, full.Count("tax_unit"));
    }

    [Fact]
    public void A_person_level_subset_keeps_partly_emptied_groups()
    {
        var subset = Sample().Subset("person", [false, true, false, false, true, true]);
        Assert.Equal(3, subset.PersonCount);
        Assert.Equal(3, subset.Count("household"));
        Assert.Equal([0, 1, 2], subset.Map("person", "household"));
        Assert.Equal(0, subset.Subset("household", [false, false, false]).PersonCount);
    }

    [Fact]
    public void With_input_replaces_one_column_and_shares_the_rest()
    {
        var population = Sample();
        var raised = population.WithInput("employment_income", [1, 2, 3, 4, 5, 6]);
        Assert.True(raised.TryGetInput("employment_income", out var income));
        Assert.Equal([1, 2, 3, 4, 5, 6], income);
        Assert.True(population.TryGetInput("age", out var before));
        Assert.True(raised.TryGetInput("age", out var after));
        Assert.Same(before, after);
        Assert.True(population.TryGetInput("employment_income", out var original));
        Assert.Equal(30000, original[0]);
        Assert.True(raised.TryGetAuxiliary("district", out _));
    }

    [Fact]
    public void Auxiliary_columns_are_checked()
    {
        var population = Sample();
        Assert.Contains("is a variable of the model", Assert.Throws<SimulationException>(() => population.SetAuxiliary(new AuxiliaryColumn("age", "person", new double[6]))).Message, StringComparison.Ordinal);
        Assert.Contains("unknown entity", Assert.Throws<SimulationException>(() => population.SetAuxiliary(new AuxiliaryColumn("x", "county", new double[6]))).Message, StringComparison.Ordinal);
        Assert.Contains("has 2 values but entity 'household' has 3", Assert.Throws<SimulationException>(() => population.SetAuxiliary(new AuxiliaryColumn("x", "household", new double[2]))).Message, StringComparison.Ordinal);
        Assert.Contains("not an index", Assert.Throws<SimulationException>(() => population.SetAuxiliary(new AuxiliaryColumn("x", "household", [0, 1, 2], ["A", "B"]))).Message, StringComparison.Ordinal);
        Assert.Contains("3 flags for 6 instances", Assert.Throws<SimulationException>(() => population.Subset("person", new bool[3])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_loader_keeps_columns_the_model_does_not_define()
    {
        using var dir = new TempDirectory("portal-aux");
        var model = ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false).Find("uk")!;
        var set = SyntheticGenerator.Generate(new SyntheticOptions("uk", 300, 5, 2025));
        var path = dir.File("uk.h5");
        MicrodataFile.Write(set, path, periodGroups: true);
        using var file = H5File.Open(path);
        var loaded = DatasetLoader.LoadWithReport(model, file, 2025);
        Assert.Contains("constituency_code", loaded.UnknownVariables);
        Assert.True(loaded.Population.TryGetAuxiliary("constituency_code", out var constituency));
        Assert.Equal("household", constituency.Entity);
        Assert.Equal(((CategoryColumn)set["constituency_code"]).AsStrings(), Enumerable.Range(0, 300).Select(constituency.Text));
        Assert.True(loaded.Population.TryGetAuxiliary("is_male", out var male));
        Assert.Equal("person", male.Entity);
        Assert.Equal(((BoolColumn)set["is_male"]).Values.Select(v => v ? 1.0 : 0.0), male.Values);
    }
}
