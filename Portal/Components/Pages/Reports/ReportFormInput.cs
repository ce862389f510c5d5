using Portal.Components.Pages.Simulations;
using Portal.Core.Features.Models;

namespace Portal.Components.Pages.Reports;

/// <summary>
/// The new-report form as posted. The reform editor's fields and actions (<see cref="Query"/>,
/// <see cref="Action"/>, <see cref="Changes"/>, <see cref="Bundle"/>, <see cref="Year"/>) have the
/// simulation form's names, so its <see cref="ReformBuilder"/> and parameter search work unchanged.
/// </summary>
public sealed class ReportFormInput
{
    /// <summary>Baseline/reform choice: current law.</summary>
    public const string CurrentLaw = "current";

    /// <summary>Reform choice: the parameter editor's rows.</summary>
    public const string Editor = "editor";

    /// <summary>Prefix of a legacy policy id typed by the user (<c>legacy:12</c>); v2 policies are their <c>pol_…</c> id.</summary>
    public const string LegacyPrefix = "legacy:";

    public string? Country { get; set; }

    /// <summary><c>economy</c> or <c>household</c>.</summary>
    public string? Type { get; set; }

    public string? Bundle { get; set; }

    public string? Year { get; set; }

    public string? Region { get; set; }

    public string? Baseline { get; set; }

    public string? Reform { get; set; }

    /// <summary>A legacy policy id for the "legacy policy #" choice (baseline or reform).</summary>
    public string? BaselineLegacyId { get; set; }

    public string? ReformLegacyId { get; set; }

    /// <summary>The reform's label when it is built in the editor.</summary>
    public string? Title { get; set; }

    public string? Query { get; set; }

    public string? Action { get; set; }

    public List<ReformRowInput> Changes { get; set; } = [];

    public string? Adults { get; set; }

    public string? Married { get; set; }

    public string? Children { get; set; }

    public string? Age1 { get; set; }

    public string? Age2 { get; set; }

    public string? Earnings1 { get; set; }

    public string? Earnings2 { get; set; }

    public string? State { get; set; }

    /// <summary>The household fields as the calculator form reads them (same validation and messages).</summary>
    public HouseholdFormInput ToHousehold(string? release) =>
        new(Country, release, Year, Adults, Married, Children, Age1, Age2, Earnings1, Earnings2, State: State);

    /// <summary>Applies an editor action (add/remove/search/pick) with the simulation form's rules; false for a submit.</summary>
    public bool ApplyEdit()
    {
        var editor = new SimulationFormInput { Action = Action, Changes = Changes };
        var edited = editor.ApplyEdit();
        Changes = editor.Changes;
        return edited;
    }
}
