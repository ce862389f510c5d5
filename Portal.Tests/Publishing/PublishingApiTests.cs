using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Features.DataReleases;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Publishing;

/// <summary>The publish API end to end: real SQLite, the real Quartz job, real HDF5 files on disk.</summary>
public sealed class PublishingApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    internal static async Task<string> GenerateReleaseAsync(PortalFactory factory, int households = 400, int clones = 2)
    {
        var version = $"2024.{Random.Shared.Next(1, 999_999)}.0";
        await using var scope = factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<GenerateDataReleaseHandler>()
            .HandleAsync(new GenerateDataReleaseRequest("us", version, households, 11, Clones: clones), Actor.Operator);
        Assert.True(result.Succeeded, result.Problem?.Describe());
        return version;
    }

    internal static async Task<JsonElement> WaitForAsync(HttpClient client, string runId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/publish/{runId}");
            var status = run.GetProperty("run").GetProperty("status").GetString();
            if (status is "completed" or "failed")
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Run {runId} still {status}.");
            await Task.Delay(200);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/publish", body);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task A_publish_builds_the_areas_persists_each_result_writes_the_manifest_and_serves_verified_files()
    {
        var version = await GenerateReleaseAsync(factory);
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var (status, created) = await PostAsync(maintainer, new { data_release = $"us/{version}", scope = "all", areas = new[] { "national:US", "states/DC.h5", "district:DC-01" }, workers = 2 });
        Assert.True(status == HttpStatusCode.Created, created.ToString());
        var runId = created.GetProperty("run").GetProperty("run_id").GetString()!;
        Assert.Equal(3, created.GetProperty("areas").GetArrayLength());

        var run = await WaitForAsync(maintainer, runId);
        var summary = run.GetProperty("run");
        Assert.True(summary.GetProperty("status").GetString() == "completed", run.ToString());
        Assert.Equal(3, summary.GetProperty("areas_completed").GetInt32());
        Assert.Equal(0, summary.GetProperty("areas_failed").GetInt32());
        Assert.False(summary.GetProperty("promotable").GetBoolean());
        Assert.Contains("states 1/51", summary.GetProperty("promotable_reason").GetString());
        foreach (var area in run.GetProperty("areas").EnumerateArray())
        {
            Assert.Equal("completed", area.GetProperty("status").GetString());
            Assert.Equal(64, area.GetProperty("sha256").GetString()!.Length);
            Assert.True(area.GetProperty("households").GetInt32() > 0);
            Assert.True(area.GetProperty("weight_total").GetDouble() > 0);
            Assert.NotEqual("not_run", area.GetProperty("validation_status").GetString());
        }

        // DC is one district: its state file and its district file carry the same households.
        var areas = run.GetProperty("areas").EnumerateArray().ToDictionary(a => a.GetProperty("output_path").GetString()!);
        Assert.Equal(areas["states/DC.h5"].GetProperty("households").GetInt32(), areas["districts/DC-01.h5"].GetProperty("households").GetInt32());

        var manifestResponse = await maintainer.GetAsync($"/api/publish/{runId}/manifest");
        Assert.Equal(HttpStatusCode.OK, manifestResponse.StatusCode);
        var manifestBytes = await manifestResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal(summary.GetProperty("manifest_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(manifestBytes)));
        var manifest = JsonDocument.Parse(manifestBytes).RootElement;
        Assert.Equal("portal-publish-manifest/1", manifest.GetProperty("format").GetString());
        Assert.Equal(3, manifest.GetProperty("files").GetArrayLength());
        Assert.Equal(summary.GetProperty("fingerprint").GetString(), manifest.GetProperty("fingerprint").GetString());

        var viewer = await factory.ApiClientForNewUserAsync("Viewer");
        var file = await viewer.GetAsync($"/api/publish/{runId}/files/states/DC.h5");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal(Hdf5Signature, bytes[..8]);
        Assert.Equal(areas["states/DC.h5"].GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        foreach (var path in new[] { "../../portal.db", "..%2F..%2Fportal.db", "states/XX.h5", $"manifests/{runId}.json" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/api/publish/{runId}/files/{path}")).StatusCode);
        }

        var list = await viewer.GetFromJsonAsync<JsonElement>("/api/v2/publish");
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("run_id").GetString() == runId);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(factory.DataDir, "artifacts", "published"), "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Resume_skips_finished_areas_and_changed_inputs_need_force()
    {
        var version = await GenerateReleaseAsync(factory);
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        var (_, first) = await PostAsync(maintainer, new { data_release = $"us@{version}", scope = "regional", areas = new[] { "state:DC", "state:VT" } });
        var firstRun = await WaitForAsync(maintainer, first.GetProperty("run").GetProperty("run_id").GetString()!);
        var outputDir = Path.Combine(factory.DataDir, "artifacts", (await factory.WithDbAsync(db => db.PublishRuns.Select(r => r.OutputDir).FirstAsync(r => r.Contains(version)))));
        var dcFile = Path.Combine(outputDir, "states", "DC.h5");
        var writtenAt = File.GetLastWriteTimeUtc(dcFile);

        // A kill mid-write leaves a temporary file: it never counts and is cleared on the next run.
        await File.WriteAllTextAsync(Path.Combine(outputDir, "states", "AK.h5.tmp-abc123"), "partial");
        var (status, second) = await PostAsync(maintainer, new { data_release = $"us/{version}", scope = "regional", areas = new[] { "state:DC", "state:VT", "state:AK" }, resume = true });
        Assert.Equal(HttpStatusCode.Created, status);
        var secondRun = await WaitForAsync(maintainer, second.GetProperty("run").GetProperty("run_id").GetString()!);
        var s = secondRun.GetProperty("run");
        Assert.True(s.GetProperty("status").GetString() == "completed", secondRun.ToString());
        Assert.Equal(2, s.GetProperty("areas_skipped").GetInt32());
        Assert.Equal(1, s.GetProperty("areas_completed").GetInt32());
        Assert.Equal(writtenAt, File.GetLastWriteTimeUtc(dcFile));
        var firstDc = firstRun.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("area_id").GetString() == "DC");
        var secondDc = secondRun.GetProperty("areas").EnumerateArray().Single(a => a.GetProperty("area_id").GetString() == "DC");
        Assert.Equal("skipped", secondDc.GetProperty("status").GetString());
        Assert.Equal(firstDc.GetProperty("sha256").GetString(), secondDc.GetProperty("sha256").GetString());
        Assert.Empty(Directory.EnumerateFiles(outputDir, "*.tmp*", SearchOption.AllDirectories));

        // Inputs published under another fingerprint (as after a catalog or schema change): refused unless forced.
        await factory.WithDbAsync(db => db.PublishScopeFingerprints.Where(f => f.DataRelease == version)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.Fingerprint, new string('0', 64))));
        var (conflict, problem) = await PostAsync(maintainer, new { data_release = $"us/{version}", scope = "regional", areas = new[] { "state:DC" } });
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Contains("force", problem.GetProperty("detail").GetString());
        Assert.Equal(new string('0', 64), problem.GetProperty("existing_fingerprint").GetString());
        var (forced, forcedRun) = await PostAsync(maintainer, new { data_release = $"us/{version}", scope = "regional", areas = new[] { "state:DC" }, force = true });
        Assert.Equal(HttpStatusCode.Created, forced);
        await WaitForAsync(maintainer, forcedRun.GetProperty("run").GetProperty("run_id").GetString()!);
    }

    [Fact]
    public async Task Bad_requests_are_problem_details_and_only_publishers_start_runs()
    {
        var version = await GenerateReleaseAsync(factory);
        var maintainer = await factory.ApiClientForNewUserAsync("Maintainer");
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(maintainer, new { data_release = "nonsense", scope = "all" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(maintainer, new { data_release = $"us/{version}", scope = "everything" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(maintainer, new { data_release = $"us/{version}", scope = "all", workers = 0 })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(maintainer, new { data_release = "us/1999.1.0", scope = "all" })).Status);
        var (unknown, body) = await PostAsync(maintainer, new { data_release = $"us/{version}", scope = "national", areas = new[] { "state:ZZ", "state:CA" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("state:ZZ", body.GetProperty("errors").GetProperty("areas")[0].GetString());

        var noCalibration = $"2024.{Random.Shared.Next(1, 999_999)}.1";
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GenerateDataReleaseHandler>().HandleAsync(new GenerateDataReleaseRequest("us", noCalibration, 200, 1), Actor.Operator);
        }

        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(maintainer, new { data_release = $"us/{noCalibration}", scope = "all" })).Status);

        var viewer = await factory.ApiClientForNewUserAsync("Viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsJsonAsync("/api/publish", new { data_release = $"us/{version}", scope = "all" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient().GetAsync("/api/publish")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/publish/pub_00000000000000000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/publish/nope/manifest")).StatusCode);
        Assert.Empty(await factory.WithDbAsync(db => db.PublishRuns.Where(r => r.DataRelease == version).ToListAsync()));
    }
}
