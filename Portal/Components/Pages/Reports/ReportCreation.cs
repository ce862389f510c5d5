using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Models;
using Portal.Core.Features.Policies;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Simulations;

namespace Portal.Components.Pages.Reports;

/// <summary>
/// The new-report form's submit: the legacy API's create handlers in a PolicyEngine client's order
/// (policies, household, simulations, report). Every create reuses an equal row, so a failed step
/// leaves only rows a retry reuses.
/// </summary>
public sealed class ReportCreation(
    ModelCatalog catalog,
    GetPolicyHandler savedPolicies,
    CreateLegacyPolicyHandler createPolicy,
    CreateLegacyHouseholdHandler createHousehold,
    CreateReportSimulationHandler createSimulation,
    CreateReportHandler createReport)
{
    public async Task<Result<Reused<ReportView>>> CreateAsync(string country, string type, ReportFormInput input, string? release, Actor actor, CancellationToken ct = default)
    {
        if (!int.TryParse(input.Year, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            return Problem.Invalid("year", $"'{input.Year}' is not a year.");
        }

        var baseline = await PolicyAsync(country, input.Baseline, input.BaselineLegacyId, null, year, "baseline", actor, ct);
        if (!baseline.Succeeded)
        {
            return baseline.Problem!;
        }

        var reform = await PolicyAsync(country, string.IsNullOrWhiteSpace(input.Reform) ? ReportFormInput.Editor : input.Reform, input.ReformLegacyId, input, year, "reform", actor, ct);
        if (!reform.Succeeded)
        {
            return reform.Problem!;
        }

        var population = await PopulationAsync(country, type, input, release, year, actor, ct);
        if (!population.Succeeded)
        {
            return population.Problem!;
        }

        var populationType = type == ReportTypes.Household ? PopulationTypes.Household : PopulationTypes.Geography;
        var simulation1 = await createSimulation.HandleAsync(new CreateReportSimulationRequest(country, population.Value, populationType, baseline.Value), actor, ct);
        if (!simulation1.Succeeded)
        {
            return simulation1.Problem!;
        }

        var simulation2 = await createSimulation.HandleAsync(new CreateReportSimulationRequest(country, population.Value, populationType, reform.Value), actor, ct);
        if (!simulation2.Succeeded)
        {
            return simulation2.Problem!;
        }

        return await createReport.HandleAsync(
            new CreateReportRequest(country, simulation1.Value!.Value.Id, simulation2.Value!.Value.Id, year.ToString(CultureInfo.InvariantCulture), input.Bundle), actor, ct);
    }

    /// <summary>Current law (<c>{}</c>), a saved v2 policy (its PolicyEngine map), a legacy id, or the editor's rows; each becomes a legacy policy id.</summary>
    private async Task<Result<long>> PolicyAsync(string country, string? choice, string? legacyId, ReportFormInput? editor, int year, string side, Actor actor, CancellationToken ct)
    {
        JsonNode data;
        string? label;
        if (choice == "legacy")
        {
            return long.TryParse(legacyId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : Problem.Invalid($"{side}_policy", $"Enter the {side} legacy policy's number, e.g. 12.");
        }

        if (choice is { } saved && saved.StartsWith("pol_", StringComparison.Ordinal))
        {
            var policy = await savedPolicies.HandleAsync(saved, ct);
            if (!policy.Succeeded)
            {
                return policy.Problem!;
            }

            (data, label) = (policy.Value!.Parameters.DeepClone(), policy.Value.Name);
        }
        else if (choice == ReportFormInput.Editor && editor is not null)
        {
            var rows = ReformRows.ToPolicy([.. editor.Changes.Select(c => new ReformRow(c.Path, c.Value, c.Start, c.End))], year);
            if (!rows.Succeeded)
            {
                return rows.Problem!;
            }

            (data, label) = (rows.Value ?? new JsonObject(), string.IsNullOrWhiteSpace(editor.Title) ? null : editor.Title.Trim());
        }
        else
        {
            (data, label) = (new JsonObject(), "Current law");
        }

        var created = await createPolicy.HandleAsync(new CreateLegacyPolicyRequest(country, data, label), actor, ct);
        return created.Succeeded ? created.Value!.Value.Id : created.Problem!;
    }

    /// <summary>The region (economy) or the stored household's id (household), as the simulation's population id.</summary>
    private async Task<Result<string>> PopulationAsync(string country, string type, ReportFormInput input, string? release, int year, Actor actor, CancellationToken ct)
    {
        if (type != ReportTypes.Household)
        {
            return string.IsNullOrWhiteSpace(input.Region) ? country : input.Region.Trim();
        }

        var form = HouseholdForm.Parse(catalog, input.ToHousehold(release) with { Country = country, Period = year.ToString(CultureInfo.InvariantCulture) });
        if (!form.Succeeded)
        {
            return form.Problem!;
        }

        var model = form.Value!.Model;
        var household = form.Value.ToSketch().ToJson(year, NetIncomeBreakdown.Layout(model).Select(l => l.Variable));
        var created = await createHousehold.HandleAsync(new CreateLegacyHouseholdRequest(country, household, null), actor, ct);
        return created.Succeeded ? created.Value!.Value.Id.ToString(CultureInfo.InvariantCulture) : created.Problem!;
    }
}
