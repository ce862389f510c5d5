using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Simulations.Results;

namespace Portal.Core.Features.Runs;

/// <summary>The hashes a written run folder carries.</summary>
public sealed record WrittenRun(string ResultSha256, IReadOnlyDictionary<string, string> Outputs);

/// <summary>
/// Builds a finished run's folder (docs/runs.md): the spec (<c>spec.yaml</c>, or <c>request.json</c> for
/// a gateway job), <c>provenance.json</c>, <c>result.json</c> (the canonical JSON of the selected output
/// sections: <c>result_sha256</c> is the sha256 of exactly these bytes), one canonical
/// <c>outputs/&lt;section&gt;.json</c> per section, <c>outputs/result.csv</c> for economy comparisons,
/// and <c>manifest.json</c> listing every other file with its sha256. Files are UTF-8 without a BOM.
/// </summary>
public sealed class RunArtifactWriter(PortalDbContext db, RunArtifactStore store, TimeProvider time)
{
    public const int ManifestSchemaVersion = 1;

    /// <summary>Result members that describe the run rather than being an output section.</summary>
    private static readonly HashSet<string> NotSections = new(StringComparer.Ordinal) { "model_version", "data_version", "policyengine_bundle" };

    public async Task<WrittenRun> WriteAsync(RunRecord run, SimulationJob job, CancellationToken ct)
    {
        var full = JsonNode.Parse(job.ResultJson!) as JsonObject ?? throw new InvalidOperationException("The job's result is not a JSON object.");
        var result = Select(full, RequestedOutputs(run));
        var resultText = RunCanonicalJson.Serialize(result);
        var resultSha = RunCanonicalJson.Sha256(resultText);

        var files = new List<RunFile>
        {
            RunFile.Text(run.Kind == RunKinds.Template ? RunFileNames.Spec : RunFileNames.Request, run.SpecText),
            RunFile.Text(RunFileNames.Provenance, run.ProvenanceJson ?? RunJsonText.Indented(new JsonObject { ["source"] = run.Source })),
            RunFile.Text(RunFileNames.Result, resultText),
        };
        var outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (section, value) in result)
        {
            var text = RunCanonicalJson.Serialize(value);
            files.Add(RunFile.Text(OutputFile(section), text));
            outputs[section] = RunCanonicalJson.Sha256(text);
        }

        if (job.Kind == SimulationJobKinds.EconomyComparison)
        {
            var csv = EconomyResultCsv.Write(EconomyResultView.Parse(result));
            files.Add(RunFile.Text("outputs/result.csv", csv));
            outputs["result.csv"] = RunCanonicalJson.Sha256(csv);
        }

        var bundle = await db.ExecutionBundles.AsNoTracking().FirstAsync(b => b.BundleId == run.BundleId, ct);
        var fileHashes = new JsonObject();
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            fileHashes[file.Name] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Bytes));
        }

        var bundleJson = PolicyEngineBundle.From(bundle).ToJson();
        bundleJson["requested"] = run.BundleRequested;
        var manifest = new JsonObject
        {
            ["schema_version"] = ManifestSchemaVersion,
            ["run_id"] = run.RunId,
            ["kind"] = run.Kind,
            ["source"] = run.Source,
            ["spec_sha256"] = run.SpecSha256,
            ["spec_hash"] = run.Kind == RunKinds.Template
                ? "sha256 of the canonical JSON of the spec body (SpecCanonical; docs/runs.md)"
                : "sha256 of the canonical JSON of request.json (docs/runs.md)",
            ["bundle"] = bundleJson,
            ["result_sha256"] = resultSha,
            ["result_hash"] = "sha256 of result.json: canonical JSON of the output sections (docs/runs.md)",
            ["outputs"] = new JsonObject(outputs.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)o.Value))),
            ["files"] = fileHashes,
            ["job_id"] = job.JobId,
            ["replay_of"] = run.ReplayOf,
            ["created_utc"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["engine_version"] = bundle.EngineVersion,
            ["portal_version"] = Common.PortalBuild.Current.Version,
        };
        files.Add(RunFile.Text(RunFileNames.Manifest, RunJsonText.Indented(manifest)));
        await store.WriteAsync(run.RunId, files, ct);
        return new WrittenRun(resultSha, outputs);
    }

    /// <summary>The output sections a spec asked for (null = all); a gateway run keeps every section.</summary>
    private static IReadOnlyList<string>? RequestedOutputs(RunRecord run) =>
        run.Kind == RunKinds.Template ? RunSpecs.Sections(run.SpecText) : null;

    /// <summary>
    /// The kept sections, keyed by their (possibly dotted, e.g. <c>intra_decile.all</c>) path, in ordinal
    /// order. A requested section the result does not have is left out (the manifest's outputs say what exists).
    /// </summary>
    private static JsonObject Select(JsonObject full, IReadOnlyList<string>? wanted)
    {
        var result = new JsonObject();
        if (wanted is null)
        {
            foreach (var (key, value) in full.OrderBy(p => p.Key, StringComparer.Ordinal).Where(p => !NotSections.Contains(p.Key)))
            {
                result[key] = value?.DeepClone();
            }

            return result;
        }

        foreach (var path in wanted.Order(StringComparer.Ordinal))
        {
            JsonNode? node = full;
            foreach (var part in path.Split('.'))
            {
                node = (node as JsonObject)?[part];
            }

            if (node is not null)
            {
                result[path] = node.DeepClone();
            }
        }

        return result;
    }

    /// <summary><c>outputs/&lt;section&gt;.json</c>, dots of a nested section turned into underscores.</summary>
    public static string OutputFile(string section) => $"outputs/{section.Replace('.', '_')}.json";
}
