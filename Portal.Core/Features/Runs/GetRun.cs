using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>
/// A run with everything a detail page or a client needs: the registry row, warnings, provenance,
/// the spec, live progress of its job while it runs, and, once complete, the manifest and the file list.
/// </summary>
public sealed record RunDetail(
    RunSummary Run,
    IReadOnlyList<string> Warnings,
    string? Error,
    JsonObject? Provenance,
    string SpecText,
    JsonObject? Manifest,
    IReadOnlyList<string> Files,
    double Progress,
    string? Stage,
    string SubmittedBy,
    IReadOnlyList<string> ReplayChangedOutputs)
{
    public bool IsTerminal => RunStatuses.IsTerminal(Run.Status);

    public JsonObject ToJson()
    {
        var json = JsonSerializer.SerializeToNode(Run, RunJson.Options)!.AsObject();
        json["warnings"] = new JsonArray(Warnings.Select(w => (JsonNode?)w).ToArray());
        json["error"] = Error;
        json["progress"] = Progress;
        json["stage"] = Stage;
        json["submitted_by"] = SubmittedBy;
        json["provenance"] = Provenance?.DeepClone();
        json["manifest"] = Manifest?.DeepClone();
        json["files"] = new JsonArray(Files.Select(f => (JsonNode?)f).ToArray());
        json["replay_changed_outputs"] = new JsonArray(ReplayChangedOutputs.Select(o => (JsonNode?)o).ToArray());
        json["links"] = RunJson.Links(Run.RunId, Files);
        return json;
    }
}

public sealed class GetRunHandler(PortalDbContext db, RunArtifactStore store)
{
    public async Task<Result<RunDetail>> HandleAsync(string runId, CancellationToken ct = default)
    {
        var run = RunIds.IsValid(runId) ? await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.RunId == runId, ct) : null;
        if (run is null)
        {
            return Problem.NotFound($"Run '{runId}'");
        }

        double progress = RunStatuses.IsTerminal(run.Status) ? 1 : 0;
        string? stage = run.Status;
        if (!RunStatuses.IsTerminal(run.Status) && run.JobId is not null)
        {
            var job = await db.SimulationJobs.AsNoTracking().Where(j => j.JobId == run.JobId).Select(j => new { j.Progress, j.Stage }).FirstOrDefaultAsync(ct);
            (progress, stage) = job is null ? (0, stage) : (job.Progress, job.Stage);
        }

        var manifest = run.Status == RunStatuses.Complete ? await ReadManifestAsync(run.RunId, ct) : null;
        return new RunDetail(
            RunSummary.From(run),
            JsonSerializer.Deserialize<string[]>(run.WarningsJson) ?? [],
            run.Error,
            run.ProvenanceJson is null ? null : JsonNode.Parse(run.ProvenanceJson) as JsonObject,
            run.SpecText,
            manifest,
            manifest is null ? [] : ListedFiles(manifest),
            progress,
            stage,
            run.SubmittedBy,
            await ChangedOutputsAsync(run, manifest, ct));
    }

    /// <summary>For a replay that came out different: the outputs whose sha256 differs from the original's (or exist in only one).</summary>
    private async Task<IReadOnlyList<string>> ChangedOutputsAsync(RunRecord run, JsonObject? manifest, CancellationToken ct)
    {
        if (run.ReplayOf is null || run.ReplayOutcome != "different" || manifest is null)
        {
            return [];
        }

        var original = await ReadManifestAsync(run.ReplayOf, ct);
        var mine = manifest["outputs"] as JsonObject ?? [];
        var theirs = original?["outputs"] as JsonObject ?? [];
        return [.. mine.Select(o => o.Key).Union(theirs.Select(o => o.Key))
            .Where(k => (string?)mine[k] != (string?)theirs[k])
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The manifest's own name plus every file it lists: the only names the files endpoint serves.</summary>
    public static IReadOnlyList<string> ListedFiles(JsonObject manifest) =>
        [RunFileNames.Manifest, .. (manifest["files"] as JsonObject ?? []).Select(f => f.Key).Order(StringComparer.Ordinal)];

    public async Task<JsonObject?> ReadManifestAsync(string runId, CancellationToken ct)
    {
        var text = await store.ReadTextAsync(runId, RunFileNames.Manifest, ct);
        return text is null ? null : JsonNode.Parse(text) as JsonObject;
    }
}

/// <summary><c>GET /v1/artifacts/{run_id}/files/{name}</c>: only a name the run's manifest lists; anything else is 404.</summary>
public sealed record RunFileContent(string Name, string ContentType, Stream Content);

public sealed class GetRunFileHandler(PortalDbContext db, RunArtifactStore store, GetRunHandler runs)
{
    public async Task<Result<RunFileContent>> HandleAsync(string runId, string name, CancellationToken ct = default)
    {
        var complete = RunIds.IsValid(runId) && await db.Runs.AsNoTracking().AnyAsync(r => r.RunId == runId && r.Status == RunStatuses.Complete, ct);
        var manifest = complete ? await runs.ReadManifestAsync(runId, ct) : null;
        var listed = manifest is null ? null : GetRunHandler.ListedFiles(manifest).FirstOrDefault(f => string.Equals(f, name, StringComparison.Ordinal));
        var stream = listed is null ? null : store.Open(runId, listed);
        if (stream is null)
        {
            return Problem.NotFound($"File '{name}' of run '{runId}'");
        }

        var type = listed!.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv; charset=utf-8"
            : listed.EndsWith(".yaml", StringComparison.Ordinal) ? "application/yaml; charset=utf-8"
            : "application/json; charset=utf-8";
        return new RunFileContent(listed, type, stream);
    }
}

public static class RunJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static JsonObject Links(string runId, IEnumerable<string> files)
    {
        var links = new JsonObject
        {
            ["self"] = $"/v1/artifacts/{runId}",
            ["page"] = $"/runs/{runId}",
            ["replay"] = $"/v1/artifacts/{runId}/replay",
        };
        var fileLinks = new JsonObject();
        foreach (var f in files)
        {
            fileLinks[f] = $"/v1/artifacts/{runId}/files/{f}";
        }

        links["files"] = fileLinks;
        return links;
    }
}
