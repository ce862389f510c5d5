using System.Text.Json.Nodes;
using Portal.Core.Features.Reports;

namespace Portal.Components.Pages.Reports;

/// <summary>
/// The shell commands of the Reproduce tab, built from the stored rows (policies, household,
/// simulations, report year and bundle), so running them hits the same rows and the same cache version.
/// </summary>
public static class ReproduceCommands
{
    private const string Auth = "-H \"Authorization: Bearer $PORTAL_TOKEN\"";
    private const string JsonBody = "-H 'Content-Type: application/json'";

    public static IEnumerable<(string Id, string Title, string Text)> For(ReportDetail detail, string baseUrl)
    {
        var r = detail.Report;
        var c = r.CountryId;
        var head = $"PORTAL={Quote(baseUrl)}\n";
        yield return ("reproduce-get", "Fetch the report (GET)", head + $"curl -s {Auth} \"$PORTAL/{c}/report/{r.Id}\"");

        var body = new JsonObject
        {
            ["simulation_1_id"] = r.Simulation1Id,
            ["simulation_2_id"] = r.Simulation2Id,
            ["year"] = r.Year,
            ["bundle"] = r.BundleId,
        };
        yield return ("reproduce-create", "Create it again from its simulations (POST, reuses this report)",
            head + $"curl -s -X POST {Auth} {JsonBody} \"$PORTAL/{c}/report\" \\\n  -d {Quote(body.ToJsonString())}");

        if (r.ReportType == ReportTypes.Economy)
        {
            var reform = detail.ReformPolicy?.Id ?? detail.BaselinePolicy.Id;
            yield return ("reproduce-economy", "The economy comparison behind it (GET, poll until status is ok)",
                head + $"curl -s {Auth} \"$PORTAL/{c}/economy/{reform}/over/{detail.BaselinePolicy.Id}?region={Uri.EscapeDataString(detail.Simulation1.PopulationId)}&time_period={r.Year}\"");
        }

        yield return ("reproduce-script", "From scratch (curl + jq): policies, population, simulations, report", head + Script(detail));
    }

    private static string Script(ReportDetail detail)
    {
        var r = detail.Report;
        var c = r.CountryId;
        var post = $"curl -s -X POST {Auth} {JsonBody}";
        var lines = new List<string>
        {
            $"BASELINE=$({post} \"$PORTAL/{c}/policy\" -d {Quote(new JsonObject { ["data"] = detail.BaselinePolicy.PolicyJson.DeepClone(), ["label"] = detail.BaselinePolicy.Label }.ToJsonString())} | jq -r .result.policy_id)",
        };
        var reformVar = "$BASELINE";
        if (detail.ReformPolicy is { } reform)
        {
            lines.Add($"REFORM=$({post} \"$PORTAL/{c}/policy\" -d {Quote(new JsonObject { ["data"] = reform.PolicyJson.DeepClone(), ["label"] = reform.Label }.ToJsonString())} | jq -r .result.policy_id)");
            reformVar = "$REFORM";
        }

        string population;
        if (detail.Household is { } household)
        {
            lines.Add($"HOUSEHOLD=$({post} \"$PORTAL/{c}/household\" -d {Quote(new JsonObject { ["data"] = household.HouseholdJson.DeepClone() }.ToJsonString())} | jq -r .result.household_id)");
            population = "\"'\"$HOUSEHOLD\"'\"";
        }
        else
        {
            population = JsonValue.Create(detail.Simulation1.PopulationId).ToJsonString();
        }

        var type = detail.Simulation1.PopulationType;
        lines.Add($"SIM1=$({post} \"$PORTAL/{c}/simulation\" -d '{{\"population_id\":{population},\"population_type\":\"{type}\",\"policy_id\":'\"$BASELINE\"'}}' | jq -r .result.id)");
        var sim2 = "null";
        if (detail.Simulation2 is not null)
        {
            lines.Add($"SIM2=$({post} \"$PORTAL/{c}/simulation\" -d '{{\"population_id\":{population},\"population_type\":\"{type}\",\"policy_id\":'\"{reformVar}\"'}}' | jq -r .result.id)");
            sim2 = "'\"$SIM2\"'";
        }

        lines.Add($"{post} \"$PORTAL/{c}/report\" -d '{{\"simulation_1_id\":'\"$SIM1\"',\"simulation_2_id\":{sim2},\"year\":\"{r.Year}\",\"bundle\":\"{r.BundleId}\"}}'");
        return string.Join('\n', lines);
    }

    /// <summary>A single-quoted shell word (a quote inside becomes '\'').</summary>
    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
