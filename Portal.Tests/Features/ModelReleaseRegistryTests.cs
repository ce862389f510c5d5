using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.ModelReleases;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

public sealed class ModelReleaseRegistryTests
{
    private static readonly ModelReleaseFingerprint Us100 = new("us", "1.0.0", new string('a', 64), "US model");
    private static readonly ModelReleaseFingerprint Us110 = new("us", "1.1.0", new string('b', 64), "US model");

    [Fact]
    public async Task Releases_are_recorded_once_and_reregistering_is_a_no_op()
    {
        await using var core = await CoreServices.StartAsync();

        Assert.Equal(2, await core.RunAsync<RegisterModelReleasesHandler, int>(h => h.HandleAsync([Us100, Us110])));
        Assert.Equal(0, await core.RunAsync<RegisterModelReleasesHandler, int>(h => h.HandleAsync([Us100, Us110])));

        var rows = await core.RunAsync<PortalDbContext, List<ModelRelease>>(db => db.ModelReleases.OrderBy(r => r.Version).ToListAsync());
        Assert.Equal(["1.0.0", "1.1.0"], rows.Select(r => r.Version));
        Assert.Equal(Us110.Sha256, rows[1].Sha256);
    }

    [Fact]
    public async Task Changed_content_under_a_known_version_is_refused_and_nothing_is_written()
    {
        await using var core = await CoreServices.StartAsync();
        await core.RunAsync<RegisterModelReleasesHandler, int>(h => h.HandleAsync([Us100]));

        var tampered = Us100 with { Sha256 = new string('c', 64) };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => core.RunAsync<RegisterModelReleasesHandler, int>(h => h.HandleAsync([Us110, tampered])));

        Assert.Contains("without a version bump", error.Message, StringComparison.Ordinal);
        Assert.Contains("us 1.0.0", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await core.RunAsync<PortalDbContext, int>(db => db.ModelReleases.CountAsync()));
    }
}
