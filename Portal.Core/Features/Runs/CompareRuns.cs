using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Simulations.Results;
using Portal.Core.Identity;

namespace Portal.Core.Features.Runs;

/// <param name="RunIds">Two to six run ids, in column order (the first is the base of the differences).</param>
public sealed record CompareRunsRequest(IReadOnlyList<string> RunIds, bool DifferencesOnly = true);

/// <summary>
/// Loads the runs' facts (bundle identity, provenance, the inputs of their jobs, the key figures of
/// their results) and compares them with <see cref="RunComparison"/>. Reviewers and up (CanReview).
/// Timestamps (<c>generated_at</c>, <c>received_at</c>) are left out: they differ between any two runs.
/// </summary>
public sealed class CompareRunsHandler(PortalDbContext db, RunArtifactStore store)
{
    public const int MaxRuns = 6;

    private static readonly string[] ProvenanceKeys = ["source", "template_id", "template_version", "template_title", "template_sha256", "model_id", "generator", "schema_version"];

    public async Task<Result<RunComparison>> HandleAsync(CompareRunsRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanReview, actor.Roles))
        {
            return Problem.Forbidden("Comparing runs needs the Reviewer role or higher.");
        }

        var ids = request.RunIds.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count is < 2 or > MaxRuns)
        {
            return Problem.Invalid("runs", $"Name 2 to {MaxRuns} different runs, e.g. ?runs=run_a,run_b.");
        }

        return await CompareAsync(ids, request.DifferencesOnly, ct);
    }

    /// <summary>
    /// A replay against its original, differences only, for the replay's page. No role check: anyone
    /// who may read both runs may see how they differ; the Compare page (choosing any runs) stays CanReview.
    /// </summary>
    public async Task<RunComparison?> CompareReplayAsync(string originalRunId, string replayRunId, CancellationToken ct = default)
    {
        var result = await CompareAsync([originalRunId, replayRunId], differencesOnly: true, ct);
        return result.Value;
    }

    private async Task<Result<RunComparison>> CompareAsync(IReadOnlyList<string> ids, bool differencesOnly, CancellationToken ct)
    {
        var rows = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.RunId)).ToListAsync(ct);
        var missing = ids.Where(i => rows.All(r => r.RunId != i)).ToList();
        if (missing.Count > 0)
        {
            return Problem.NotFound($"Run '{string.Join("', '", missing)}'");
        }

        var facts = new List<RunFacts>();
        foreach (var id in ids)
        {
            facts.Add(await FactsAsync(rows.Single(r => r.RunId == id), ct));
        }

        return RunComparison.Compare(facts, differencesOnly);
    }

    private async Task<RunFacts> FactsAsync(RunRecord run, CancellationToken ct)
    {
        var groups = new Dictionary<string, IReadOnlyDictionary<string, JsonNode?>>(StringComparer.Ordinal)
        {
            [RunComparison.Bundle] = await BundleAsync(run.BundleId, ct),
            [RunComparison.Template] = Provenance(run),
            [RunComparison.Reform] = await InputsAsync(run, ct),
            [RunComparison.Outputs] = await OutputsAsync(run, ct),
        };
        var label = run.Title ?? run.TemplateId ?? run.Kind;
        return new RunFacts(run.RunId, $"{run.RunId} ({label})", groups);
    }

    private async Task<Dictionary<string, JsonNode?>> BundleAsync(string bundleId, CancellationToken ct)
    {
        var b = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(x => x.BundleId == bundleId, ct);
        var json = b is null ? new JsonObject { ["bundle_id"] = bundleId } : PolicyEngineBundle.From(b).ToJson();
        return json.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
    }

    private static Dictionary<string, JsonNode?> Provenance(RunRecord run)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["kind"] = run.Kind, ["spec_sha256"] = run.SpecSha256 };
        var provenance = run.ProvenanceJson is null ? null : JsonNode.Parse(run.ProvenanceJson) as JsonObject;
        foreach (var key in ProvenanceKeys)
        {
            if (provenance?[key] is { } v)
            {
                values[key] = v.DeepClone();
            }
        }

        foreach (var (name, value) in provenance?["parameters"] as JsonObject ?? [])
        {
            values["parameters." + name] = value?.DeepClone();
        }

        return values;
    }

    /// <summary>The inputs the job ran with (region, year, a budget window's years, each reform and baseline parameter per period), as stored on the gateway job.</summary>
    private async Task<Dictionary<string, JsonNode?>> InputsAsync(RunRecord run, CancellationToken ct)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["country"] = run.Country };
        var requestJson = run.JobId is null ? null : await db.SimulationJobs.AsNoTracking().Where(j => j.JobId == run.JobId).Select(j => j.RequestJson).FirstOrDefaultAsync(ct);
        if (requestJson is null)
        {
            return values;
        }

        var inputs = GatewayInputs.Parse(requestJson);
        values["region"] = inputs.Region;
        values["time_period"] = inputs.TimePeriod;
        if (inputs.StartYear is { } start && inputs.WindowSize is { } size)
        {
            values["start_year"] = start;
            values["window_size"] = size;
        }

        foreach (var (policy, node) in new[] { ("reform", inputs.Reform), ("baseline", inputs.Baseline) })
        {
            foreach (var (path, periods) in node as JsonObject ?? [])
            {
                foreach (var (period, value) in periods as JsonObject ?? [])
                {
                    values[policy == "reform" ? $"{path} ({period})" : $"baseline: {path} ({period})"] = value?.DeepClone();
                }
            }
        }

        return values;
    }

    /// <summary>Key figures: budget, poverty and inequality (reform values), decile changes; a budget window's impacts per year and in total.</summary>
    private async Task<Dictionary<string, JsonNode?>> OutputsAsync(RunRecord run, CancellationToken ct)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["result_sha256"] = run.ResultSha256 };
        var text = run.Status == RunStatuses.Complete ? await store.ReadTextAsync(run.RunId, RunFileNames.Result, ct) : null;
        if (text is null)
        {
            return values;
        }

        var view = EconomyResultView.Parse(text);
        if (view.Budget is { } b)
        {
            values["budget: budgetary impact"] = Num(b.BudgetaryImpact);
            values["budget: tax revenue impact"] = Num(b.TaxRevenueImpact);
            values["budget: state tax revenue impact"] = Num(b.StateTaxRevenueImpact);
            values["budget: benefit spending impact"] = Num(b.BenefitSpendingImpact);
        }

        foreach (var c in view.Poverty.Concat(view.Inequality))
        {
            values[$"{c.Section}: {c.Key}"] = Num(c.Reform);
        }

        foreach (var d in view.Deciles)
        {
            values[$"decile {d.Decile}: average change"] = Num(d.Average);
            values[$"decile {d.Decile}: relative change"] = Num(d.Relative);
        }

        BudgetWindowRows.Add(text, values);
        return values;
    }

    /// <summary>JSON has no NaN or infinity (a relative change over a zero base): those are shown as absent.</summary>
    private static JsonValue? Num(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
