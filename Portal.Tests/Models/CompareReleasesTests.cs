using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Models;

namespace Portal.Tests.Models;

/// <summary>Release comparison over the shipped US releases 1.0.0 → 1.1.0.</summary>
public sealed class CompareReleasesTests
{
    private static readonly CompareReleasesHandler Handler = new(ShippedModels.Catalog);

    [Fact]
    public void New_dated_values_added_variables_and_changed_formulas_are_reported()
    {
        var diff = Handler.Handle(new CompareReleasesRequest("us", "1.0.0", "1.1.0")).Value!;

        Assert.Equal("1.0.0", diff.From.Version);
        var deduction = diff.Parameters.Single(p => p.Name == "gov.irs.deductions.standard.SINGLE");
        Assert.Equal(DiffKind.Changed, deduction.Kind);
        Assert.Contains(new FieldChange("values.2025-01-01", null, "15750"), deduction.Changes);

        var senior = diff.Variables.Single(v => v.Name == "senior_deduction");
        Assert.Equal(DiffKind.Added, senior.Kind);
        var taxable = diff.Variables.Single(v => v.Name == "taxable_income");
        var formula = Assert.Single(taxable.Changes);
        Assert.Equal("formula", formula.Field);
        Assert.Contains("senior_deduction", formula.To, StringComparison.Ordinal);
        Assert.DoesNotContain("senior_deduction", formula.From, StringComparison.Ordinal);
        Assert.DoesNotContain(diff.Variables, v => v.Name == "age");
    }

    [Fact]
    public void A_release_compared_with_itself_has_no_changes_and_bad_choices_are_problems()
    {
        Assert.True(Handler.Handle(new CompareReleasesRequest("uk", "1.0.0", "1.0.0")).Value!.IsEmpty);
        Assert.Equal(ProblemKind.NotFound, Handler.Handle(new CompareReleasesRequest("us", "1.0.0", "7.0.0")).Problem!.Kind);
        Assert.Equal(["from"], Handler.Handle(new CompareReleasesRequest("us", null, "1.1.0")).Problem!.Errors!.Keys);
    }
}
