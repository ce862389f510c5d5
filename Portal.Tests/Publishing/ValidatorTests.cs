using Portal.Core.Microdata;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Tests.Publishing;

/// <summary>Each validation check on a hand-made payload, and each <see cref="ValidationPolicy"/> field.</summary>
public sealed class LocalH5ValidatorTests
{
    private static readonly AreaBuildRequest Area = new("state", "CA", "California", "states/CA.h5", [], "state", ["6"], new Dictionary<string, string>());

    /// <summary>2 households (weights 10, 20), 3 persons, 2 tax units: valid. Weighted persons = 10·2 + 20·1 = 40.</summary>
    private static H5Payload Payload()
    {
        var p = new H5Payload("us", 2024, new Dictionary<string, int> { ["household"] = 2, ["person"] = 3, ["tax_unit"] = 2 });
        p.Set(new IntColumn("household_id", "household", [0, 1]));
        p.Set(new IntColumn("person_id", "person", [0, 1, 2]));
        p.Set(new IntColumn("tax_unit_id", "tax_unit", [0, 1]));
        p.Set(new IntColumn("person_household_id", "person", [0, 0, 1]));
        p.Set(new IntColumn("person_tax_unit_id", "person", [0, 0, 1]));
        p.Set(new DoubleColumn("household_weight", "household", [10, 20]));
        p.Set(new DoubleColumn("employment_income", "person", [1, 2, 3]));
        return p;
    }

    private static readonly AreaTarget Target = new(40, "test");

    private static ValidationResult Run(H5Payload p, ValidationPolicy? policy = null, AreaTarget? target = null) =>
        AreaValidator.Validate(p, Area, target ?? Target, policy ?? ValidationPolicy.Default);

    private static string[] Errors(ValidationResult r) => r.Issues.Where(i => i.Severity == ValidationSeverity.Error).Select(i => i.Code).ToArray();

    [Fact]
    public void A_valid_payload_passes_with_the_target_met()
    {
        var r = Run(Payload());
        Assert.Equal(ValidationStatus.Passed, r.Status);
        Assert.Empty(Errors(r));
        Assert.Equal("target_ok", Assert.Single(r.Issues).Code);
        Assert.False(AreaValidator.FailsBuild(r, ValidationPolicy.Default));
    }

    [Fact]
    public void Missing_required_variable()
    {
        var r = Run(Payload(), ValidationPolicy.Default with { RequiredVariables = ["household_id", "spm_unit_id"] });
        Assert.Equal(["missing_variable"], Errors(r));
        Assert.Equal("spm_unit_id", r.Issues[0].Details["variable"]);
        Assert.Equal(ValidationStatus.Failed, r.Status);
        Assert.True(AreaValidator.FailsBuild(r, ValidationPolicy.Default));
    }

    [Fact]
    public void Length_mismatch()
    {
        var p = Payload();
        p.SetUnchecked(new DoubleColumn("employment_income", "person", [1, 2]));
        Assert.Equal(["length_mismatch"], Errors(Run(p)));
    }

    [Fact]
    public void Duplicate_ids()
    {
        var p = Payload();
        p.Set(new IntColumn("person_id", "person", [0, 1, 1]));
        var r = Run(p);
        Assert.Equal(["duplicate_ids"], Errors(r));
        Assert.Equal("1", r.Issues.First(i => i.Code == "duplicate_ids").Details["example"]);
    }

    [Fact]
    public void Broken_link_and_empty_group()
    {
        var p = Payload();
        p.Set(new IntColumn("person_tax_unit_id", "person", [0, 0, 7]));
        Assert.Equal(["broken_link", "empty_group"], Errors(Run(p)));
    }

    [Fact]
    public void Negative_or_non_finite_weights()
    {
        var p = Payload();
        p.Set(new DoubleColumn("household_weight", "household", [10, -1]));
        Assert.Contains("invalid_weight", Errors(Run(p)));
        p.Set(new DoubleColumn("household_weight", "household", [double.PositiveInfinity, 1]));
        Assert.Contains("invalid_weight", Errors(Run(p)));
    }

    [Fact]
    public void NaN_in_any_variable()
    {
        var p = Payload();
        p.Set(new DoubleColumn("employment_income", "person", [1, double.NaN, 3]));
        var r = Run(p);
        Assert.Equal(["non_finite"], Errors(r));
        Assert.Equal("1", r.Issues[0].Details["first_row"]);
    }

    [Fact]
    public void Too_few_households_is_enforced_from_the_policy()
    {
        Assert.Equal(["too_few_households"], Errors(Run(Payload(), ValidationPolicy.Default with { MinHouseholds = 3 })));
    }

    [Fact]
    public void Target_miss_is_a_warning_unless_the_policy_makes_it_fatal()
    {
        var far = new AreaTarget(100, "test");
        var warn = Run(Payload(), target: far);
        Assert.Equal(ValidationStatus.Passed, warn.Status);
        var miss = Assert.Single(warn.Issues);
        Assert.Equal(("target_miss", ValidationSeverity.Warning), (miss.Code, miss.Severity));
        Assert.Equal("-0.6", miss.Details["relative_error"]);
        Assert.False(AreaValidator.FailsBuild(warn, ValidationPolicy.Default));

        var strict = ValidationPolicy.Default with { FailOnTargetMiss = true };
        var fatal = Run(Payload(), strict, far);
        Assert.Equal(ValidationStatus.Failed, fatal.Status);
        Assert.True(AreaValidator.FailsBuild(fatal, strict));

        // Tolerance: 40 vs 41 is 2.4% off.
        Assert.Equal("target_miss", Run(Payload(), target: new AreaTarget(41, "t")).Issues[0].Code);
        Assert.Equal("target_ok", Run(Payload(), ValidationPolicy.Default with { TargetRelativeTolerance = 0.05 }, new AreaTarget(41, "t")).Issues[0].Code);
    }

    [Fact]
    public void Missing_target_is_reported_as_info()
    {
        var r = AreaValidator.Validate(Payload(), Area, null, ValidationPolicy.Default);
        Assert.Equal(ValidationStatus.Passed, r.Status);
        Assert.Equal(("target_unavailable", ValidationSeverity.Info), (r.Issues[0].Code, r.Issues[0].Severity));
    }

    [Fact]
    public void Policy_switches_turn_checks_off()
    {
        var broken = Payload();
        broken.Set(new IntColumn("person_id", "person", [0, 0, 0]));
        Assert.Equal(ValidationStatus.NotRun, Run(broken, ValidationPolicy.Default with { Enabled = false }).Status);
        Assert.False(AreaValidator.FailsBuild(Run(broken, ValidationPolicy.Default with { Enabled = false }), ValidationPolicy.Default with { Enabled = false }));

        var targetOnly = Run(broken, ValidationPolicy.Default with { RunStructuralChecks = false });
        Assert.Equal(["target_ok"], targetOnly.Issues.Select(i => i.Code));

        var structuralOnly = Run(broken, ValidationPolicy.Default with { RunTargetChecks = false }, new AreaTarget(1e9, "t"));
        Assert.Equal(["duplicate_ids"], structuralOnly.Issues.Select(i => i.Code));

        // Structural errors are recorded but do not fail the build when the policy says so.
        var lenient = ValidationPolicy.Default with { FailOnStructuralError = false };
        Assert.False(AreaValidator.FailsBuild(Run(broken, lenient), lenient));
        Assert.True(AreaValidator.FailsBuild(Run(broken), ValidationPolicy.Default));
    }
}
