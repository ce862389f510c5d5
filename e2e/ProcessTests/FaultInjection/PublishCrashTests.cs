using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// SIGKILL during H5 publish runs at seeded random points (anywhere from the start request to the
/// manifest write). After the restart every run is terminal; every run's manifest exists once,
/// matches its recorded sha256, and lists files that exist with their sha256; every area row of a
/// finished run matches its file; every H5 file opens (h5dump); no temporary file is left.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class PublishCrashTests(CrashPortal portal, ITestOutputHelper output)
{
    private static readonly string[] Areas = ["state:DC", "district:DC-01", "state:VT", "state:WY", "state:DE", "state:ND"];

    [Fact]
    public async Task Publish_runs_killed_at_random_points_finish_whole_after_restart()
    {
        var trials = new CrashTrials(output, "publish");
        var clock = Stopwatch.StartNew();
        await portal.RestartAsync();

        var measured = Stopwatch.StartNew();
        await PublishAndWaitAsync(portal, CancellationToken.None);
        var span = measured.Elapsed;
        trials.Log($"uncrashed publish of {Areas.Length} areas: {span.TotalMilliseconds:F0} ms");

        await trials.KillAndRecoverAsync(portal, span, ct => PublishAndWaitAsync(portal, ct), () => Problem(portal), () => Summary(portal.Database));

        trials.Log($"done: {trials.Count} trials, 0 failures, {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static string? Problem(CrashPortal portal)
    {
        var db = portal.Database;
        var problem = CrashInvariants.Rows("publish runs not terminal (or failed without a reason, or finished without a manifest)", db.Rows("""
            SELECT run_id, status, attempts, error, manifest_path FROM publish_runs
            WHERE status NOT IN ('completed', 'failed')
               OR (status = 'failed' AND COALESCE(error, '') = '')
               OR manifest_path IS NULL OR manifest_sha256 IS NULL
            """)) ?? CrashInvariants.Rows("completed runs with an area not done", db.Rows("""
            SELECT r.run_id, a.area_type, a.area_id, a.status, a.build_error FROM publish_runs r JOIN publish_areas a ON a.publish_run_id = r.id
            WHERE r.status = 'completed' AND (a.status NOT IN ('completed', 'skipped') OR a.sha256 IS NULL)
            """));
        if (problem is not null)
        {
            return problem;
        }

        var runs = db.Rows("SELECT id, run_id, output_dir, manifest_path, manifest_sha256 FROM publish_runs");
        foreach (var run in runs)
        {
            var manifestFile = Path.Combine(portal.ArtifactsDir, ((string)run["manifest_path"]!).Replace('/', Path.DirectorySeparatorChar));
            if (CrashInvariants.ManifestFileProblem(manifestFile, (string?)run["manifest_sha256"]) is { } bad)
            {
                return $"run {run["run_id"]} manifest: {bad}";
            }

            var outputDir = Path.Combine(portal.ArtifactsDir, ((string)run["output_dir"]!).Replace('/', Path.DirectorySeparatorChar));
            var manifest = JsonNode.Parse(File.ReadAllText(manifestFile))!;
            if ((string?)manifest["run_id"] != (string)run["run_id"]!)
            {
                return $"{manifestFile} names run {manifest["run_id"]}";
            }

            foreach (var file in manifest["files"]!.AsArray())
            {
                var path = Path.Combine(outputDir, ((string)file!["path"]!).Replace('/', Path.DirectorySeparatorChar));
                if (CrashInvariants.ManifestFileProblem(path, (string?)file["sha256"]) is { } listed)
                {
                    return $"run {run["run_id"]} manifest: {listed}";
                }
            }

            foreach (var area in db.Rows($"SELECT output_path, sha256 FROM publish_areas WHERE publish_run_id = {run["id"]} AND status IN ('completed', 'skipped')"))
            {
                var path = Path.Combine(outputDir, ((string)area["output_path"]!).Replace('/', Path.DirectorySeparatorChar));
                if (CrashInvariants.ManifestFileProblem(path, (string?)area["sha256"]) is { } row)
                {
                    return $"run {run["run_id"]} area row: {row}";
                }
            }
        }

        var published = Path.Combine(portal.ArtifactsDir, "published");
        foreach (var manifests in Directory.EnumerateDirectories(published, "manifests", SearchOption.AllDirectories))
        {
            var names = Directory.EnumerateFiles(manifests).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            var expected = runs.Where(r => ((string)r["manifest_path"]!).StartsWith(Path.GetRelativePath(portal.ArtifactsDir, manifests).Replace(Path.DirectorySeparatorChar, '/'), StringComparison.Ordinal))
                .Select(r => (string)r["run_id"]! + ".json").Order(StringComparer.Ordinal).ToList();
            if (!names.SequenceEqual(expected))
            {
                return $"{manifests} holds [{string.Join(", ", names)}], expected one manifest per run [{string.Join(", ", expected)}]";
            }
        }

        if (CrashInvariants.TempFiles(published) is { } temp)
        {
            return temp;
        }

        return Directory.EnumerateFiles(published, "*.h5", SearchOption.AllDirectories).Select(CrashInvariants.Hdf5Opens).FirstOrDefault(p => p is not null);
    }

    private static string Summary(CrashDatabase db) => string.Join(", ", db.Rows(
        "SELECT run_id, status, attempts, areas_completed + areas_skipped AS done FROM publish_runs ORDER BY id").Select(r => $"{r["run_id"]}={r["status"]}({r["done"]}/{Areas.Length}, attempts {r["attempts"]})"));

    /// <summary>Starts a publish of <see cref="Areas"/> (rebuilding them: no resume) and polls it until it finishes.</summary>
    private static async Task PublishAndWaitAsync(CrashPortal portal, CancellationToken ct)
    {
        using var client = portal.Client();
        using var created = await client.PostAsJsonAsync("/api/publish", new { data_release = "us/2024.1.0", scope = "regional", areas = Areas, workers = 1, resume = false }, ct);
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync(ct))!;
        Assert.True(created.IsSuccessStatusCode, body.ToJsonString());
        var runId = (string)body["run"]!["run_id"]!;
        while (true)
        {
            using var response = await client.GetAsync($"/api/publish/{runId}", ct);
            var status = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["run"]?["status"];
            if (status is "completed" or "failed")
            {
                Assert.True(status == "completed", $"publish run {runId} failed without a crash");
                return;
            }

            await Task.Delay(100, ct);
        }
    }
}
