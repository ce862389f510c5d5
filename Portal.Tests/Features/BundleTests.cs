using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.DataReleases;
using Portal.Core.Features.Demo;
using Portal.Core.Features.Simulations;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

public sealed class BundleIdentityTests
{
    private static readonly BundleIdentity Fixed = new("us", "1.1.0", new string('a', 64), "2024.0.1-demo", new string('b', 64), "national", new string('c', 64), "0.1.0");

    [Fact]
    public void Canonical_json_has_sorted_keys_no_whitespace_and_a_fixed_sha256()
    {
        // Independently computed: json.dumps(fields, sort_keys=True, separators=(",", ":")) and hashlib.sha256.
        const string canonical = """{"country":"us","data_manifest_revision":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","data_version":"2024.0.1-demo","dataset":"national","dataset_sha256":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc","engine_version":"0.1.0","model_sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","model_version":"1.1.0"}""";
        Assert.Equal(canonical, Fixed.ToCanonicalJson());
        Assert.Equal("feab6296bd8f2dcfcd16181db105f7f1fe3ef6a0233db4cbf187b420a0dfee4c", Fixed.BundleId);
        Assert.Equal("bnd_feab6296bd8f2dcf", BundleIdentity.DisplayIdOf(Fixed.BundleId));
        Assert.True(BundleLookup.LooksLikeBundleId(Fixed.BundleId));
        Assert.True(BundleLookup.LooksLikeBundleId("bnd_feab6296bd8f2dcf"));
        Assert.False(BundleLookup.LooksLikeBundleId("latest"));
    }

    [Fact]
    public void Every_field_changes_the_id()
    {
        var variants = new[]
        {
            Fixed with { Country = "uk" }, Fixed with { ModelVersion = "1.0.0" }, Fixed with { ModelSha256 = new string('d', 64) },
            Fixed with { DataVersion = "2024.0.2" }, Fixed with { DataManifestRevision = new string('e', 64) }, Fixed with { Dataset = "calibration" },
            Fixed with { DatasetSha256 = new string('f', 64) }, Fixed with { EngineVersion = "0.2.0" },
        };
        Assert.Equal(variants.Length + 1, variants.Select(v => v.BundleId).Append(Fixed.BundleId).Distinct().Count());
        Assert.Matches("^[0-9]+\\.[0-9]+\\.[0-9]+", BundleIdentity.CurrentEngineVersion);
    }
}

public sealed class BundleTests
{
    private const string DataVersion = "2024.5.0";
    private static readonly Actor Maintainer = new("m", "maintainer@example.org", new HashSet<string> { PortalRoles.Maintainer });

    private static async Task<CoreServices> StartWithReleaseAsync(string country = "us")
    {
        var core = await CoreServices.StartAsync();
        var generated = await core.RunAsync<GenerateDataReleaseHandler, Result<GeneratedDataRelease>>(h =>
            h.HandleAsync(new GenerateDataReleaseRequest(country, DataVersion, 1_000, 11, Clones: 1), Actor.Operator));
        Assert.True(generated.Succeeded, generated.Problem?.Describe());
        return core;
    }

    private static Task<Result<CreatedBundle>> CreateAsync(CoreServices core, CreateBundleRequest request, Actor? actor = null) =>
        core.RunAsync<CreateBundleHandler, Result<CreatedBundle>>(h => h.HandleAsync(request, actor ?? Maintainer));

    [Fact]
    public async Task Create_certifies_the_national_dataset_and_stores_identity_and_certification_in_one_row()
    {
        await using var core = await StartWithReleaseAsync();
        var result = await CreateAsync(core, new CreateBundleRequest("us", "1.1.0", DataVersion));
        Assert.True(result.Succeeded, result.Problem?.Describe());
        Assert.True(result.Value!.Created);
        var bundle = result.Value.Bundle;
        Assert.True(bundle.Certified, string.Join("; ", bundle.Certification.Checks.Select(c => $"{c.Name}: {c.Detail}")));
        Assert.Equal("national", bundle.Dataset);
        Assert.Equal(BundleIdentity.DisplayIdOf(bundle.BundleId), bundle.DisplayId);
        Assert.Equal(DataReleaseManifest.Sha256Hex(bundle.CanonicalJson), bundle.BundleId);

        var release = (await core.RunAsync<GetDataReleaseHandler, Result<DataReleaseDetail>>(h => h.HandleAsync("us", DataVersion))).Value!;
        Assert.Equal(release.Release.ManifestRevision, bundle.DataManifestRevision);
        Assert.Equal(release.Artifacts.Single(a => a.Name == "national").Sha256, bundle.DatasetSha256);
        var model = core.Services.GetRequiredService<Portal.Core.Engine.ModelCatalog>().Find("us", "1.1.0")!;
        Assert.Equal(model.Sha256, bundle.ModelSha256);
        Assert.Equal(BundleIdentity.CurrentEngineVersion, bundle.EngineVersion);

        var certification = bundle.Certification;
        Assert.Equal(["dataset_integrity", "dataset_loads", "population", "weights", "smoke_simulation"], certification.Checks.Select(c => c.Name));
        Assert.Equal(1_000, certification.Households);
        Assert.True(certification.Persons > 1_000);
        Assert.True(certification.WeightedHouseholds > 0);
        Assert.Equal(2024, certification.Period);
        Assert.True(certification.WeightedTotals["household_net_income"] > 0);
        Assert.Contains("snap", certification.WeightedTotals.Keys);

        var stored = await core.RunAsync<PortalDbContext, ExecutionBundle>(db => db.ExecutionBundles.SingleAsync());
        Assert.Contains("\"passed\":true", stored.CertificationJson, StringComparison.Ordinal);
        Assert.Contains("\"checks\":[{\"name\":\"dataset_integrity\"", stored.CertificationJson, StringComparison.Ordinal);
        Assert.Equal("maintainer@example.org", stored.CreatedBy);
        var audit = await core.RunAsync<PortalDbContext, Portal.Core.Features.Audit.AuditEvent>(db => db.AuditEvents.SingleAsync(e => e.Action == "bundle.created"));
        Assert.Equal($"bundle:{bundle.DisplayId}", audit.Target);
    }

    [Fact]
    public async Task The_same_inputs_return_the_existing_bundle()
    {
        await using var core = await StartWithReleaseAsync();
        var first = await CreateAsync(core, new CreateBundleRequest("us", "1.1.0", DataVersion));
        var second = await CreateAsync(core, new CreateBundleRequest(" US ", "1.1.0", DataVersion, "national"), new Actor("a", "admin", new HashSet<string> { PortalRoles.Admin }));
        Assert.False(second.Value!.Created);
        Assert.Equal(first.Value!.Bundle.BundleId, second.Value.Bundle.BundleId);
        Assert.Equal(first.Value.Bundle.Certification.CheckedAt, second.Value.Bundle.Certification.CheckedAt);
        Assert.Equal(1, await core.RunAsync<PortalDbContext, int>(db => db.ExecutionBundles.CountAsync()));

        var other = await CreateAsync(core, new CreateBundleRequest("us", "1.0.0", DataVersion));
        Assert.True(other.Value!.Created);
        Assert.NotEqual(first.Value.Bundle.BundleId, other.Value.Bundle.BundleId);
    }

    [Fact]
    public async Task Unknown_versions_and_datasets_are_rejected_with_what_exists()
    {
        await using var core = await StartWithReleaseAsync();
        var model = await CreateAsync(core, new CreateBundleRequest("us", "9.9.9", "7.7.7"));
        Assert.Equal(ProblemKind.Validation, model.Problem!.Kind);
        Assert.Equal("us has no model release '9.9.9'. Available: 1.0.0, 1.1.0.", model.Problem.Errors!["model_version"][0]);
        Assert.Contains($"Available: {DataVersion}", model.Problem.Errors["data_version"][0], StringComparison.Ordinal);

        var dataset = await CreateAsync(core, new CreateBundleRequest("us", "1.1.0", DataVersion, "states"));
        Assert.Equal("us@2024.5.0 has no dataset 'states'. Available: calibration, national.", dataset.Problem!.Errors!["dataset"][0]);

        var country = await CreateAsync(core, new CreateBundleRequest("fr", null, null));
        Assert.Equal(["country", "model_version", "data_version"], country.Problem!.Errors!.Keys);
        Assert.Contains("uk, us", country.Problem.Errors["country"][0], StringComparison.Ordinal);

        var uk = await CreateAsync(core, new CreateBundleRequest("uk", "1.1.0", DataVersion));
        Assert.Contains("uk has no data release '2024.5.0'. Available: none.", uk.Problem!.Errors!["data_version"][0], StringComparison.Ordinal);

        var forbidden = await CreateAsync(core, new CreateBundleRequest("us", "1.1.0", DataVersion), new Actor("x", "ana", new HashSet<string> { PortalRoles.Analyst }));
        Assert.Equal(ProblemKind.Forbidden, forbidden.Problem!.Kind);
        Assert.Equal(0, await core.RunAsync<PortalDbContext, int>(db => db.ExecutionBundles.CountAsync()));
    }

    [Fact]
    public async Task A_dataset_that_does_not_load_against_the_model_is_stored_uncertified_with_the_reasons()
    {
        await using var core = await StartWithReleaseAsync();
        var result = await CreateAsync(core, new CreateBundleRequest("us", "1.1.0", DataVersion, "calibration"));
        Assert.True(result.Succeeded, result.Problem?.Describe());
        var bundle = result.Value!.Bundle;
        Assert.False(bundle.Certified);
        var load = bundle.Certification.Checks.Single(c => c.Name == "dataset_loads");
        Assert.False(load.Passed);
        Assert.Contains("does not fit the model", load.Detail, StringComparison.Ordinal);
        Assert.True(bundle.Certification.Checks.Single(c => c.Name == "dataset_integrity").Passed);
        Assert.False(await core.RunAsync<PortalDbContext, bool>(db => db.ExecutionBundles.Select(b => b.Certified).SingleAsync()));
    }

    [Fact]
    public async Task A_corrupted_artifact_fails_the_integrity_check()
    {
        await using var core = await StartWithReleaseAsync("uk");
        var national = (await core.RunAsync<GetDataReleaseHandler, Result<DataReleaseDetail>>(h => h.HandleAsync("uk", DataVersion))).Value!.Artifacts.Single(a => a.Name == "national");
        var file = Path.Combine(core.DataDir, "artifacts", "sha256", national.Sha256[..2], national.Sha256);
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes);

        var bundle = (await CreateAsync(core, new CreateBundleRequest("uk", "1.1.0", DataVersion))).Value!.Bundle;
        Assert.False(bundle.Certified);
        var integrity = Assert.Single(bundle.Certification.Checks);
        Assert.Equal("dataset_integrity", integrity.Name);
        Assert.Contains("corrupt", integrity.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_identical_creates_converge_on_one_row()
    {
        await using var core = await StartWithReleaseAsync("uk");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => CreateAsync(core, new CreateBundleRequest("uk", "1.1.0", DataVersion)))));
        Assert.All(results, r => Assert.True(r.Succeeded, r.Problem?.Describe()));
        Assert.Single(results.Select(r => r.Value!.Bundle.BundleId).Distinct());
        Assert.Single(results, r => r.Value!.Created);
        Assert.Equal(1, await core.RunAsync<PortalDbContext, int>(db => db.ExecutionBundles.CountAsync()));
        Assert.Equal(1, await core.RunAsync<PortalDbContext, int>(db => db.AuditEvents.CountAsync(e => e.Action == "bundle.created")));
    }

    [Fact]
    public async Task List_filters_by_country_certification_and_alias_and_get_shows_aliases_history_and_jobs()
    {
        await using var core = await StartWithReleaseAsync();
        var good = (await CreateAsync(core, new CreateBundleRequest("us", "1.1.0", DataVersion))).Value!.Bundle;
        var older = (await CreateAsync(core, new CreateBundleRequest("us", "1.0.0", DataVersion))).Value!.Bundle;
        var bad = (await CreateAsync(core, new CreateBundleRequest("us", "1.1.0", DataVersion, "calibration"))).Value!.Bundle;
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        await core.RunAsync<PortalDbContext, int>(db =>
        {
            db.BundleAliases.Add(new BundleAlias { Country = "us", Name = "latest", BundleId = good.BundleId, Revision = 2, UpdatedUtc = at, UpdatedBy = "ops" });
            db.AliasEvents.Add(new AliasEvent { Country = "us", Alias = "latest", FromBundle = null, ToBundle = older.BundleId, Revision = 1, Actor = "ops", Reason = "first", AtUtc = at.AddDays(-1) });
            db.AliasEvents.Add(new AliasEvent { Country = "us", Alias = "latest", FromBundle = older.BundleId, ToBundle = good.BundleId, Revision = 2, Actor = "ops", Reason = "newer model", AtUtc = at });
            db.SimulationJobs.Add(new SimulationJob { JobId = "job_1", Kind = SimulationJobKinds.EconomyComparison, Country = "us", BundleId = good.BundleId, CacheKey = new string('1', 64), RunId = "r", SubmittedBy = "ana", SubmittedUtc = at });
            return db.SaveChangesAsync();
        });

        Task<Page<BundleView>> ListAsync(ListBundlesRequest request) => core.RunAsync<ListBundlesHandler, Page<BundleView>>(h => h.HandleAsync(request));
        Assert.Equal([bad.BundleId, older.BundleId, good.BundleId], (await ListAsync(new())).Items.Select(b => b.BundleId));
        Assert.Empty((await ListAsync(new(Country: "uk"))).Items);
        Assert.Equal([bad.BundleId], (await ListAsync(new(Certified: false))).Items.Select(b => b.BundleId));
        var latest = Assert.Single((await ListAsync(new(Country: "us", Alias: "latest"))).Items);
        Assert.Equal(good.BundleId, latest.BundleId);
        Assert.Equal("latest", Assert.Single(latest.Aliases).Name);
        Assert.Empty((await ListAsync(new(Country: "uk", Alias: "latest"))).Items);
        var paged = await ListAsync(new(PageSize: 2, Page: 2));
        Assert.Equal(3, paged.TotalCount);
        Assert.Equal(good.BundleId, Assert.Single(paged.Items).BundleId);

        var detail = (await core.RunAsync<GetBundleHandler, Result<BundleDetail>>(h => h.HandleAsync(good.DisplayId))).Value!;
        Assert.Equal(good.BundleId, detail.BundleId);
        Assert.Equal(2, Assert.Single(detail.Aliases).Revision);
        var arrived = Assert.Single(detail.AliasHistory);
        Assert.True(arrived.Arrived);
        Assert.Equal("newer model", arrived.Reason);
        Assert.Equal("job_1", Assert.Single(detail.Jobs).JobId);

        var past = (await core.RunAsync<GetBundleHandler, Result<BundleDetail>>(h => h.HandleAsync(older.BundleId))).Value!;
        Assert.Empty(past.Aliases);
        Assert.Equal([false, true], past.AliasHistory.Select(e => e.Arrived));
        Assert.Empty(past.Jobs);

        var missing = await core.RunAsync<GetBundleHandler, Result<BundleDetail>>(h => h.HandleAsync("bnd_0000000000000000"));
        Assert.Equal(ProblemKind.NotFound, missing.Problem!.Kind);
        Assert.Equal(ProblemKind.NotFound, (await core.RunAsync<GetBundleHandler, Result<BundleDetail>>(h => h.HandleAsync("latest"))).Problem!.Kind);
    }

    [Fact]
    public async Task Demo_seeding_creates_one_certified_bundle_per_country_once()
    {
        await using var core = await CoreServices.StartAsync();
        await core.RunAsync<SeedDemoDataReleasesHandler, IReadOnlyList<GeneratedDataRelease>>(h => h.HandleAsync());
        var first = await core.RunAsync<SeedDemoBundlesHandler, IReadOnlyList<CreatedBundle>>(h => h.HandleAsync());
        Assert.Equal(["us", "uk"], first.Select(b => b.Bundle.Country));
        Assert.All(first, b => Assert.True(b.Created && b.Bundle.Certified, string.Join("; ", b.Bundle.Certification.Checks.Select(c => c.Detail))));
        var catalog = core.Services.GetRequiredService<Portal.Core.Engine.ModelCatalog>();
        Assert.All(first, b => Assert.Equal((catalog.Find(b.Bundle.Country)!.Version, SeedDemoDataReleasesHandler.DemoVersion), (b.Bundle.ModelVersion, b.Bundle.DataVersion)));

        var again = await core.RunAsync<SeedDemoBundlesHandler, IReadOnlyList<CreatedBundle>>(h => h.HandleAsync());
        Assert.All(again, b => Assert.False(b.Created));
        Assert.Equal(first.Select(b => b.Bundle.BundleId), again.Select(b => b.Bundle.BundleId));
        Assert.Equal(2, await core.RunAsync<PortalDbContext, int>(db => db.ExecutionBundles.CountAsync()));
    }
}
