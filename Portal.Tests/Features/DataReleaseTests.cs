using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.DataReleases;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

public sealed class DataReleaseTests
{
    private static Task<Result<GeneratedDataRelease>> GenerateAsync(CoreServices core, GenerateDataReleaseRequest request, Actor? actor = null) =>
        core.RunAsync<GenerateDataReleaseHandler, Result<GeneratedDataRelease>>(h => h.HandleAsync(request, actor ?? Actor.Operator));

    [Fact]
    public async Task Generate_stores_artifacts_by_hash_and_registers_a_release_with_a_canonical_manifest()
    {
        await using var core = await CoreServices.StartAsync();
        var result = await GenerateAsync(core, new GenerateDataReleaseRequest("us", "2024.1.0", 300, 42, Clones: 2));
        Assert.True(result.Succeeded, result.Problem?.Describe());
        var release = result.Value!.Release;
        Assert.Equal(["calibration", "national"], release.Artifacts.Select(a => a.Name));
        foreach (var artifact in release.Artifacts)
        {
            var file = Path.Combine(core.DataDir, "artifacts", "sha256", artifact.Sha256[..2], artifact.Sha256);
            Assert.True(File.Exists(file));
            Assert.Equal(new FileInfo(file).Length, artifact.SizeBytes);
        }

        Assert.Equal(300, release.Artifacts[1].Rows["household"]);
        Assert.Equal(600, release.Artifacts[0].Rows["clone_household"]);

        // Canonical: sorted keys, no whitespace, and the revision is its sha256.
        Assert.DoesNotContain(" ", release.ManifestJson, StringComparison.Ordinal);
        Assert.StartsWith("{\"artifacts\":[{\"name\":\"calibration\"", release.ManifestJson, StringComparison.Ordinal);
        Assert.Equal(DataReleaseManifest.Sha256Hex(release.ManifestJson), release.Release.ManifestRevision);
        Assert.Equal(release.ManifestJson, DataReleaseManifest.Parse(release.ManifestJson).ToCanonicalJson());
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(core.DataDir, "artifacts", "staging")));

        var verification = await core.RunAsync<VerifyDataReleaseHandler, Result<DataReleaseVerification>>(h => h.HandleAsync("us", "2024.1.0"));
        Assert.True(verification.Value!.Ok);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_revision_and_bytes()
    {
        await using var a = await CoreServices.StartAsync();
        await using var b = await CoreServices.StartAsync();
        var first = await GenerateAsync(a, new GenerateDataReleaseRequest("uk", "1.0.0", 200, 9));
        var second = await GenerateAsync(b, new GenerateDataReleaseRequest("uk", "1.0.0", 200, 9));
        Assert.Equal(first.Value!.Release.Release.ManifestRevision, second.Value!.Release.Release.ManifestRevision);
    }

    [Fact]
    public async Task A_version_is_immutable_and_a_different_manifest_under_it_is_a_conflict()
    {
        await using var core = await CoreServices.StartAsync();
        var generated = await GenerateAsync(core, new GenerateDataReleaseRequest("us", "2024.1.0", 200, 1));
        var again = await GenerateAsync(core, new GenerateDataReleaseRequest("us", "2024.1.0", 200, 2));
        Assert.Equal(ProblemKind.Conflict, again.Problem!.Kind);

        var manifest = DataReleaseManifest.Parse(generated.Value!.Release.ManifestJson);
        var same = await core.RunAsync<RegisterDataReleaseHandler, Result<DataReleaseDetail>>(h => h.HandleAsync(manifest, Actor.Operator));
        Assert.True(same.Succeeded);

        var changed = manifest with { Generator = new Dictionary<string, JsonNode?>(manifest.Generator) { ["seed"] = 3 } };
        var conflict = await core.RunAsync<RegisterDataReleaseHandler, Result<DataReleaseDetail>>(h => h.HandleAsync(changed, Actor.Operator));
        Assert.Equal(ProblemKind.Conflict, conflict.Problem!.Kind);
        Assert.Contains(manifest.Revision, conflict.Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await core.RunAsync<PortalDbContext, int>(db => db.DataReleases.CountAsync()));
    }

    [Fact]
    public async Task Bad_requests_and_missing_roles_are_rejected_before_any_work()
    {
        await using var core = await CoreServices.StartAsync();
        var bad = await GenerateAsync(core, new GenerateDataReleaseRequest("fr", "one", 5, -1, Clones: 1000));
        Assert.Equal(ProblemKind.Validation, bad.Problem!.Kind);
        Assert.Equal(["country", "version", "households", "seed", "clones"], bad.Problem.Errors!.Keys);

        var analyst = new Actor("u", "ana", new HashSet<string> { PortalRoles.Analyst });
        var forbidden = await GenerateAsync(core, new GenerateDataReleaseRequest("us", "1.0.0", 200, 1), analyst);
        Assert.Equal(ProblemKind.Forbidden, forbidden.Problem!.Kind);
    }

    [Fact]
    public async Task Verify_and_download_detect_a_corrupted_artifact()
    {
        await using var core = await CoreServices.StartAsync();
        var generated = (await GenerateAsync(core, new GenerateDataReleaseRequest("us", "1.0.0", 200, 1))).Value!.Release;
        var national = generated.Artifacts.Single();
        var file = Path.Combine(core.DataDir, "artifacts", "sha256", national.Sha256[..2], national.Sha256);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes);

        var verification = await core.RunAsync<VerifyDataReleaseHandler, Result<DataReleaseVerification>>(h => h.HandleAsync("us", "1.0.0"));
        Assert.False(verification.Value!.Ok);
        var download = await core.RunAsync<OpenDatasetHandler, Result<DatasetDownload>>(h => h.HandleAsync(national.Id));
        Assert.Equal(ProblemKind.Conflict, download.Problem!.Kind);
    }

    [Fact]
    public async Task Generated_files_are_read_by_h5dump()
    {
        await using var core = await CoreServices.StartAsync();
        var release = (await GenerateAsync(core, new GenerateDataReleaseRequest("us", "1.0.0", 150, 5, Clones: 1))).Value!.Release;
        foreach (var artifact in release.Artifacts)
        {
            var file = Path.Combine(core.DataDir, "artifacts", "sha256", artifact.Sha256[..2], artifact.Sha256);
            var (code, output) = await RunAsync("h5dump", "-H", file);
            Assert.True(code == 0, output);
            if (artifact.Name == "national")
            {
                Assert.Contains("GROUP \"employment_income\"", output, StringComparison.Ordinal);
                Assert.Contains("DATASET \"2024\"", output, StringComparison.Ordinal);
                Assert.Contains("H5T_IEEE_F64LE", output, StringComparison.Ordinal);
                Assert.Contains("STRSIZE 2;", output, StringComparison.Ordinal);
            }
            else
            {
                Assert.Contains("DATASET \"block_geoid\"", output, StringComparison.Ordinal);
                Assert.Contains("H5T_STD_I64LE", output, StringComparison.Ordinal);
            }
        }

        var national = release.Artifacts.Single(a => a.Name == "national");
        var path = Path.Combine(core.DataDir, "artifacts", "sha256", national.Sha256[..2], national.Sha256);
        var (_, states) = await RunAsync("h5dump", "-d", "/state_code/2024", "-y", "-w", "0", path);
        Assert.Contains("\"AL\"", states, StringComparison.Ordinal);
    }

    private static async Task<(int, string)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + error);
    }
}

public sealed class DemoDataReleaseTests
{
    [Fact]
    public async Task Demo_seeding_creates_both_countries_once()
    {
        await using var core = await CoreServices.StartAsync();
        var first = await core.RunAsync<Portal.Core.Features.Demo.SeedDemoDataReleasesHandler, IReadOnlyList<GeneratedDataRelease>>(h => h.HandleAsync());
        Assert.Equal(["us", "uk"], first.Select(r => r.Release.Release.Country));
        Assert.All(first, r => Assert.Equal("2024.0.1-demo", r.Release.Release.Version));
        Assert.All(first, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(30)));
        var second = await core.RunAsync<Portal.Core.Features.Demo.SeedDemoDataReleasesHandler, IReadOnlyList<GeneratedDataRelease>>(h => h.HandleAsync());
        Assert.Empty(second);
    }
}
