using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>How a run's <c>result.json</c> is shown: economy sections, a household report's households, or as JSON.</summary>
public enum RunResultKind
{
    None,
    Economy,
    Household,
    Other,
}

/// <summary>A replay of a run, as listed on the original's page.</summary>
public sealed record RunReplaySummary(string RunId, string Status, string? Outcome, DateTime CreatedAt);

/// <summary>
/// Everything the run page shows: the detail the API serves, the bundle's full identity (from the
/// manifest once complete, else the bundle row), the result to render, the replays of this run and,
/// for a replay that came out different, its comparison with the original.
/// </summary>
public sealed record RunView(
    RunDetail Detail,
    PolicyEngineBundle? Bundle,
    RunResultKind ResultKind,
    string? ResultJson,
    JsonObject? Spec,
    IReadOnlyList<RunReplaySummary> Replays,
    string? OriginalResultSha256,
    RunComparison? ReplayDiff);

public sealed class GetRunViewHandler(PortalDbContext db, RunArtifactStore store, GetRunHandler runs, CompareRunsHandler compare)
{
    public async Task<Result<RunView>> HandleAsync(string runId, CancellationToken ct = default)
    {
        var got = await runs.HandleAsync(runId, ct);
        if (!got.Succeeded)
        {
            return got.Problem!;
        }

        var detail = got.Value!;
        var run = detail.Run;
        var bundle = BundleOf(detail.Manifest?["bundle"] as JsonObject)
            ?? await db.ExecutionBundles.AsNoTracking().Where(b => b.BundleId == run.BundleId).Select(b => PolicyEngineBundle.From(b)).FirstOrDefaultAsync(ct);
        var spec = run.Kind == RunKinds.Template ? null : TryParseObject(detail.SpecText);
        var result = run.Status == RunStatuses.Complete ? await store.ReadTextAsync(run.RunId, RunFileNames.Result, ct) : null;
        var replays = await db.Runs.AsNoTracking().Where(r => r.ReplayOf == run.RunId).OrderBy(r => r.CreatedAt).ThenBy(r => r.RunId)
            .Select(r => new RunReplaySummary(r.RunId, r.Status, r.ReplayOutcome, r.CreatedAt)).ToListAsync(ct);

        string? originalHash = null;
        RunComparison? diff = null;
        if (run.ReplayOf is { } of)
        {
            originalHash = await db.Runs.AsNoTracking().Where(r => r.RunId == of).Select(r => r.ResultSha256).FirstOrDefaultAsync(ct);
            if (run.ReplayOutcome == "different")
            {
                diff = await compare.CompareReplayAsync(of, run.RunId, ct);
            }
        }

        return new RunView(detail, bundle, result is null ? RunResultKind.None : KindOf(run.Kind, spec), result, spec, replays, originalHash, diff);
    }

    /// <summary>Spec runs are economy comparisons; gateway and report runs say what they computed in their stored spec.</summary>
    public static RunResultKind KindOf(string runKind, JsonObject? spec) => runKind switch
    {
        RunKinds.Template => RunResultKind.Economy,
        RunKinds.Gateway => (string?)spec?["kind"] == SimulationJobKinds.EconomyComparison ? RunResultKind.Economy : RunResultKind.Other,
        RunKinds.Report => (string?)spec?["report_type"] switch
        {
            "economy" => RunResultKind.Economy,
            "household" => RunResultKind.Household,
            _ => RunResultKind.Other,
        },
        _ => RunResultKind.Other,
    };

    private static PolicyEngineBundle? BundleOf(JsonObject? b) =>
        b is null || (string?)b["bundle_id"] is not { } id ? null : new PolicyEngineBundle(
            id, Text(b, "display_id"), Text(b, "country"), Text(b, "model_version"), Text(b, "model_sha256"), Text(b, "data_version"),
            Text(b, "manifest_revision"), Text(b, "dataset"), Text(b, "dataset_sha256"), Text(b, "engine_version"));

    /// <summary>Manifest members are strings except the revision, which some writers store as a number.</summary>
    private static string Text(JsonObject b, string key) => b[key] switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        var other => other.ToJsonString(),
    };

    private static JsonObject? TryParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
