using Microsoft.Extensions.Configuration;
using Portal.Core;
using Portal.Core.Data;
using Portal.Core.Features.AccessTokens;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Unit;

/// <summary>The settings that let several instances share one database and one artifact store.</summary>
public sealed class ScaleOutSettingsTests
{
    private static readonly DatabaseSettings Sqlite = new(DatabaseProvider.Sqlite, "Data Source=x.db");
    private static readonly DatabaseSettings Postgres = new(DatabaseProvider.Postgres, "Host=db;Database=portal");

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void The_token_cache_is_on_for_a_single_sqlite_node_and_off_on_postgres_unless_configured()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), TokenCacheSettings.Lifetime(Config(), Sqlite));
        Assert.Equal(TimeSpan.Zero, TokenCacheSettings.Lifetime(Config(), Postgres));
        Assert.Equal(TimeSpan.FromSeconds(0.5), TokenCacheSettings.Lifetime(Config((TokenCacheSettings.Key, "0.5")), Postgres));
        Assert.Equal(TimeSpan.Zero, TokenCacheSettings.Lifetime(Config((TokenCacheSettings.Key, "0")), Sqlite));
        Assert.Throws<InvalidOperationException>(() => TokenCacheSettings.Lifetime(Config((TokenCacheSettings.Key, "soon")), Sqlite));
        Assert.Throws<InvalidOperationException>(() => TokenCacheSettings.Lifetime(Config((TokenCacheSettings.Key, "-1")), Sqlite));
    }

    [Fact]
    public void A_zero_lifetime_cache_never_answers_so_every_request_reads_the_token_row()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var token = new CachedToken(new TokenIdentity(1, "t", "u", "u@example.org", "U", []), null, null);

        var off = new AccessTokenCache(clock, TimeSpan.Zero);
        off.Add("hash", token, AccessTokenCache.Generation);
        Assert.False(off.TryGet("hash", out _));

        var on = new AccessTokenCache(clock, TimeSpan.FromSeconds(2));
        on.Add("hash", token, AccessTokenCache.Generation);
        Assert.True(on.TryGet("hash", out _));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(on.TryGet("hash", out _));
    }

    [Fact]
    public void Storage_root_moves_the_artifact_store_and_nothing_else()
    {
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = "/srv/portal" };
        var local = PortalPaths.From(Config((PortalPaths.DataDirKey, "/srv/node-a")), environment);
        Assert.Equal("/srv/node-a/artifacts", local.Artifacts);

        var shared = PortalPaths.From(Config((PortalPaths.DataDirKey, "/srv/node-a"), (PortalPaths.StorageRootKey, "/mnt/shared/portal")), environment);
        Assert.Equal("/mnt/shared/portal", shared.Artifacts);
        Assert.Equal("/srv/node-a/keys", shared.Keys);
        Assert.Equal("/srv/node-a/logs", shared.Logs);
        Assert.Equal("/srv/node-a/portal.db", shared.DefaultDatabaseFile);

        Assert.Equal("/srv/portal/shared", PortalPaths.From(Config((PortalPaths.StorageRootKey, "shared")), environment).Artifacts);
    }
}
