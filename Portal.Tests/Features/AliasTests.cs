using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Demo;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

/// <summary>Alias use cases over a real, migrated SQLite database.</summary>
public sealed class AliasTests
{
    private static readonly Actor Maintainer = new("m1", "mia@example.org", new HashSet<string> { PortalRoles.Maintainer });
    private static readonly Actor Analyst = new("a1", "ana@example.org", new HashSet<string> { PortalRoles.Analyst });

    private static Task<Result<AliasChange>> PromoteAsync(CoreServices core, string bundle, string? ifMatch, string reason = "Ship it", string name = "latest", Actor? actor = null) =>
        core.RunAsync<PromoteAliasHandler, Result<AliasChange>>(h => h.HandleAsync(new PromoteAliasRequest("us", name, bundle, reason, ifMatch), actor ?? Maintainer));

    private static Task<T> DbAsync<T>(CoreServices core, Func<PortalDbContext, Task<T>> query) => core.RunAsync<PortalDbContext, T>(query);

    /// <summary>Three certified US bundles: a (model 1.0.0), b (1.1.0), c (1.1.0 on newer data).</summary>
    private sealed class Setup : IAsyncDisposable
    {
        public required CoreServices Core { get; init; }
        public required ExecutionBundle A { get; init; }
        public required ExecutionBundle B { get; init; }
        public required ExecutionBundle C { get; init; }

        public void Deconstruct(out CoreServices core, out ExecutionBundle a, out ExecutionBundle b, out ExecutionBundle c) => (core, a, b, c) = (Core, A, B, C);

        public ValueTask DisposeAsync() => Core.DisposeAsync();
    }

    private static async Task<Setup> StartAsync(ManualClock? clock = null)
    {
        var core = await CoreServices.StartAsync(clock);
        return new Setup
        {
            Core = core,
            A = await DbAsync(core, db => TestBundles.AddAsync(db, "us", "1.0.0", "2024.1.0")),
            B = await DbAsync(core, db => TestBundles.AddAsync(db, "us", "1.1.0", "2024.1.0")),
            C = await DbAsync(core, db => TestBundles.AddAsync(db, "us", "1.1.0", "2024.2.0")),
        };
    }

    [Fact]
    public async Task Promote_creates_the_alias_and_its_event_and_audit_entry_together()
    {
        await using var setup = await StartAsync();
        var (core, a, b, _) = setup;
        var created = await PromoteAsync(core, a.DisplayId, null, "First release");
        Assert.True(created.Succeeded, created.Problem?.Describe());
        Assert.True(created.Value!.Created);
        Assert.Equal(1, created.Value.Alias.Revision);
        Assert.Null(created.Value.Event!.FromBundle);

        var moved = await PromoteAsync(core, b.BundleId, "\"1\"", "Model 1.1.0");
        Assert.Equal(2, moved.Value!.Alias.Revision);
        Assert.Equal(a.BundleId, moved.Value.Event!.FromBundle);
        Assert.Equal(b.BundleId, moved.Value.Event.ToBundle);

        var (alias, events, audit) = await DbAsync(core, async db => (
            await db.BundleAliases.SingleAsync(),
            await db.AliasEvents.OrderBy(e => e.Revision).ToListAsync(),
            await db.AuditEvents.Where(e => e.Action == "alias.promoted").CountAsync()));
        Assert.Equal((b.BundleId, 2L, "mia@example.org"), (alias.BundleId, alias.Revision, alias.UpdatedBy));
        Assert.Equal([1L, 2L], events.Select(e => e.Revision));
        Assert.Equal(["First release", "Model 1.1.0"], events.Select(e => e.Reason));
        Assert.Equal(2, audit);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("\"1\"")]
    [InlineData("W/\"1\"")]
    [InlineData("\"7\", \"1\"")]
    public async Task If_match_accepts_the_revision_in_any_etag_form(string ifMatch)
    {
        await using var setup = await StartAsync();
        var (core, a, b, _) = setup;
        await PromoteAsync(core, a.BundleId, null);
        Assert.True((await PromoteAsync(core, b.BundleId, ifMatch)).Succeeded);
    }

    [Fact]
    public async Task If_match_accepts_the_current_bundle_id_full_or_display()
    {
        await using var setup = await StartAsync();
        var (core, a, b, c) = setup;
        await PromoteAsync(core, a.BundleId, null);
        Assert.True((await PromoteAsync(core, b.BundleId, a.BundleId)).Succeeded);
        Assert.True((await PromoteAsync(core, c.BundleId, $"\"{b.DisplayId}\"")).Succeeded);
    }

    [Fact]
    public async Task Stale_if_match_is_412_saying_what_the_alias_is_now_and_writes_nothing()
    {
        await using var setup = await StartAsync();
        var (core, a, b, c) = setup;
        await PromoteAsync(core, a.BundleId, null);
        await PromoteAsync(core, b.BundleId, "1");

        var stale = await PromoteAsync(core, c.BundleId, "1");
        Assert.Equal(ProblemKind.PreconditionFailed, stale.Problem!.Kind);
        Assert.Contains(b.DisplayId, stale.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("revision 2", stale.Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(2L, stale.Problem.Extensions!["current_revision"]);
        var staleById = await PromoteAsync(core, c.BundleId, a.DisplayId);
        Assert.Equal(ProblemKind.PreconditionFailed, staleById.Problem!.Kind);
        Assert.Equal(2, await DbAsync(core, db => db.AliasEvents.CountAsync()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("*")]
    public async Task Changing_an_existing_alias_without_a_usable_if_match_is_428(string? ifMatch)
    {
        await using var setup = await StartAsync();
        var (core, a, b, _) = setup;
        await PromoteAsync(core, a.BundleId, null);
        var missing = await PromoteAsync(core, b.BundleId, ifMatch);
        Assert.Equal(ProblemKind.PreconditionRequired, missing.Problem!.Kind);
        Assert.Equal(1, await DbAsync(core, db => db.AliasEvents.CountAsync()));
    }

    [Fact]
    public async Task Creating_with_if_match_or_re_creating_with_if_none_match_is_412()
    {
        await using var setup = await StartAsync();
        var (core, a, _, _) = setup;
        Assert.Equal(ProblemKind.PreconditionFailed, (await PromoteAsync(core, a.BundleId, "1")).Problem!.Kind);
        var created = await core.RunAsync<PromoteAliasHandler, Result<AliasChange>>(h =>
            h.HandleAsync(new PromoteAliasRequest("us", "stable", a.BundleId, "New", IfNoneMatch: "*"), Maintainer));
        Assert.True(created.Succeeded);
        var again = await core.RunAsync<PromoteAliasHandler, Result<AliasChange>>(h =>
            h.HandleAsync(new PromoteAliasRequest("us", "stable", a.BundleId, "New", IfNoneMatch: "*"), Maintainer));
        Assert.Equal(ProblemKind.PreconditionFailed, again.Problem!.Kind);
    }

    [Fact]
    public async Task Promoting_to_the_current_bundle_is_a_no_op_without_an_event()
    {
        await using var setup = await StartAsync();
        var (core, a, _, _) = setup;
        await PromoteAsync(core, a.BundleId, null);
        var same = await PromoteAsync(core, a.DisplayId, "1");
        Assert.True(same.Succeeded);
        Assert.False(same.Value!.Changed);
        Assert.Null(same.Value.Event);
        Assert.Equal(1, same.Value.Alias.Revision);
        Assert.Equal(1, await DbAsync(core, db => db.AliasEvents.CountAsync()));
    }

    [Fact]
    public async Task Uncertified_foreign_or_unknown_bundles_bad_names_and_missing_reasons_are_rejected_and_nothing_is_written()
    {
        await using var setup = await StartAsync();
        var (core, a, _, _) = setup;
        var uncertified = await DbAsync(core, db => TestBundles.AddAsync(db, "us", "1.1.0", "2025.1.0", certified: false));
        var uk = await DbAsync(core, db => TestBundles.AddAsync(db, "uk", "1.1.0", "2024.1.0"));

        var rejected = await PromoteAsync(core, uncertified.BundleId, null);
        Assert.Equal(ProblemKind.Conflict, rejected.Problem!.Kind);
        Assert.Contains("not certified", rejected.Problem.Detail, StringComparison.Ordinal);
        Assert.Equal(ProblemKind.Validation, (await PromoteAsync(core, uk.BundleId, null)).Problem!.Kind);
        Assert.Equal(ProblemKind.Validation, (await PromoteAsync(core, "bnd_0000000000000000", null)).Problem!.Kind);
        Assert.Equal(["name"], (await PromoteAsync(core, a.BundleId, null, name: "Latest")).Problem!.Errors!.Keys);
        Assert.Equal(["name"], (await PromoteAsync(core, a.BundleId, null, name: "-x")).Problem!.Errors!.Keys);
        Assert.Equal(["reason"], (await PromoteAsync(core, a.BundleId, null, reason: "  ")).Problem!.Errors!.Keys);
        Assert.Equal(["reason"], (await PromoteAsync(core, a.BundleId, null, reason: new string('x', 1001))).Problem!.Errors!.Keys);
        Assert.Equal(ProblemKind.Forbidden, (await PromoteAsync(core, a.BundleId, null, actor: Analyst)).Problem!.Kind);

        var counts = await DbAsync(core, async db => (await db.BundleAliases.CountAsync(), await db.AliasEvents.CountAsync(), await db.AuditEvents.CountAsync(e => e.Action.StartsWith("alias."))));
        Assert.Equal((0, 0, 0), counts);
    }

    /// <summary>Starts every call on its own thread-pool task (own scope, own DbContext and connection) at the same moment.</summary>
    private static async Task<Result<AliasChange>[]> RaceAsync(IEnumerable<Func<Task<Result<AliasChange>>>> calls)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = calls.Select(call => Task.Run(async () =>
        {
            await gate.Task;
            return await call();
        })).ToList();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Concurrent_promotions_with_the_same_if_match_let_exactly_one_win()
    {
        await using var setup = await StartAsync();
        var (core, a, b, c) = setup;
        await PromoteAsync(core, a.BundleId, null);
        for (var round = 0; round < 4; round++)
        {
            var revision = await DbAsync(core, db => db.BundleAliases.Select(x => x.Revision).SingleAsync());
            var current = await DbAsync(core, db => db.BundleAliases.Select(x => x.BundleId).SingleAsync());
            var others = new[] { a, b, c }.Where(t => t.BundleId != current).ToList();
            var contenders = others.Concat(others).ToList();
            var results = await RaceAsync(contenders.Select((t, i) => (Func<Task<Result<AliasChange>>>)(() =>
                PromoteAsync(core, t.BundleId, $"\"{revision}\"", $"Racer {i}"))));
            Assert.Single(results, r => r.Succeeded);
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ProblemKind.PreconditionFailed, r.Problem!.Kind));
        }

        var events = await DbAsync(core, db => db.AliasEvents.OrderBy(e => e.Revision).ToListAsync());
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.Revision));
        for (var i = 1; i < events.Count; i++)
        {
            Assert.Equal(events[i - 1].ToBundle, events[i].FromBundle);
        }
    }

    [Fact]
    public async Task A_promotion_that_loses_the_race_after_its_if_match_check_is_412_and_writes_nothing()
    {
        await using var setup = await StartAsync();
        var (core, a, b, c) = setup;
        await PromoteAsync(core, a.BundleId, null);

        // The slow promotion reads revision 1 and passes its If-Match check, then stops just before
        // its transaction; a second promotion completes meanwhile; the slow one's conditional UPDATE
        // then finds revision 2 and must fail without writing.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        core.Services.GetRequiredService<DatabaseSettings>().Configure(options);
        options.AddInterceptors(new PauseBeforeTransaction(entered, release));
        await using var slowDb = new PortalDbContext(options.Options);
        var slow = new PromoteAliasHandler(slowDb, TimeProvider.System).HandleAsync(new PromoteAliasRequest("us", "latest", c.BundleId, "Slow", "1"), Maintainer);

        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True((await PromoteAsync(core, b.BundleId, "1", "Fast")).Succeeded);
        release.SetResult();

        var lost = await slow;
        Assert.Equal(ProblemKind.PreconditionFailed, lost.Problem!.Kind);
        Assert.Contains("changed by someone else", lost.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains(b.DisplayId, lost.Problem.Detail, StringComparison.Ordinal);
        var events = await DbAsync(core, db => db.AliasEvents.OrderBy(e => e.Revision).Select(e => e.Reason).ToListAsync());
        Assert.Equal(["Ship it", "Fast"], events);
    }

    private sealed class PauseBeforeTransaction(TaskCompletionSource entered, TaskCompletionSource release) : DbTransactionInterceptor
    {
        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            entered.TrySetResult();
            await release.Task;
            return result;
        }
    }

    [Fact]
    public async Task Concurrent_creations_of_the_same_alias_let_exactly_one_win()
    {
        await using var setup = await StartAsync();
        var (core, a, b, _) = setup;
        var results = await RaceAsync(new[] { a, b }.Select(t => (Func<Task<Result<AliasChange>>>)(() =>
            PromoteAsync(core, t.BundleId, null, name: "stable"))));
        Assert.Single(results, r => r.Succeeded);
        Assert.Equal(1, await DbAsync(core, db => db.AliasEvents.CountAsync()));
    }

    [Fact]
    public async Task History_is_newest_first_with_actor_and_reason_and_rollback_goes_back()
    {
        await using var setup = await StartAsync();
        var (core, a, b, _) = setup;
        await PromoteAsync(core, a.BundleId, null, "First");
        await PromoteAsync(core, b.BundleId, "1", "Second");

        var rollback = await core.RunAsync<RollbackAliasHandler, Result<AliasChange>>(h =>
            h.HandleAsync(new RollbackAliasRequest("us", "latest", "b is broken", "2"), Maintainer));
        Assert.True(rollback.Succeeded, rollback.Problem?.Describe());
        Assert.Equal(a.BundleId, rollback.Value!.Alias.BundleId);
        Assert.Equal($"Rollback to {a.DisplayId} (undoing revision 2): b is broken", rollback.Value.Event!.Reason);

        var history = (await core.RunAsync<AliasHistoryHandler, Result<Page<AliasEventView>>>(h => h.HandleAsync("us", "latest"))).Value!;
        Assert.Equal([3L, 2, 1], history.Items.Select(e => e.Revision));
        Assert.All(history.Items, e => Assert.Equal("mia@example.org", e.Actor));
        Assert.Equal("Second", history.Items[1].Reason);
        var paged = (await core.RunAsync<AliasHistoryHandler, Result<Page<AliasEventView>>>(h => h.HandleAsync("us", "latest", 2, 2))).Value!;
        Assert.Equal([1L], paged.Items.Select(e => e.Revision));
        Assert.Equal(1, await DbAsync(core, db => db.AuditEvents.CountAsync(e => e.Action == "alias.rolled_back")));

        var staleRollback = await core.RunAsync<RollbackAliasHandler, Result<AliasChange>>(h =>
            h.HandleAsync(new RollbackAliasRequest("us", "latest", null, "2"), Maintainer));
        Assert.Equal(ProblemKind.PreconditionFailed, staleRollback.Problem!.Kind);
    }

    [Fact]
    public async Task Rollback_of_a_never_moved_or_unknown_alias_is_refused()
    {
        await using var setup = await StartAsync();
        var (core, a, _, _) = setup;
        await PromoteAsync(core, a.BundleId, null);
        var first = await core.RunAsync<RollbackAliasHandler, Result<AliasChange>>(h => h.HandleAsync(new RollbackAliasRequest("us", "latest", null, "1"), Maintainer));
        Assert.Equal(ProblemKind.Conflict, first.Problem!.Kind);
        var unknown = await core.RunAsync<RollbackAliasHandler, Result<AliasChange>>(h => h.HandleAsync(new RollbackAliasRequest("us", "nope", null, "1"), Maintainer));
        Assert.Equal(ProblemKind.NotFound, unknown.Problem!.Kind);
    }

    [Fact]
    public async Task Resolve_at_replays_the_events_to_any_instant()
    {
        var clock = new ManualClock(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var setup = await StartAsync(clock);
        var (core, a, b, _) = setup;
        var t1 = clock.Now.UtcDateTime;
        await PromoteAsync(core, a.BundleId, null);
        clock.Advance(TimeSpan.FromDays(1));
        var t2 = clock.Now.UtcDateTime;
        await PromoteAsync(core, b.BundleId, "1");
        clock.Advance(TimeSpan.FromDays(1));
        var t3 = clock.Now.UtcDateTime;
        await core.RunAsync<RollbackAliasHandler, Result<AliasChange>>(h => h.HandleAsync(new RollbackAliasRequest("us", "latest", null, "2"), Maintainer));

        Task<Result<AliasResolution>> At(DateTime instant) =>
            core.RunAsync<ResolveAliasAtHandler, Result<AliasResolution>>(h => h.HandleAsync("us", "latest", instant));
        Assert.Equal(ProblemKind.NotFound, (await At(t1.AddSeconds(-1))).Problem!.Kind);
        Assert.Equal((a.BundleId, 1L), ((await At(t1)).Value!.BundleId, (await At(t1)).Value!.Revision));
        Assert.Equal(b.BundleId, (await At(t2.AddHours(12))).Value!.BundleId);
        Assert.Equal(b.BundleId, (await At(t3.AddTicks(-1))).Value!.BundleId);
        var now = (await At(t3.AddYears(1))).Value!;
        Assert.Equal((a.BundleId, 3L, "1.0.0"), (now.BundleId, now.Revision, now.Bundle!.ModelVersion));
        Assert.StartsWith("Rollback to", now.SetBy.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_demo_aliases_points_latest_once_via_promote()
    {
        await using var setup = await StartAsync();
        var (core, a, b, _) = setup;
        var uk = await DbAsync(core, db => TestBundles.AddAsync(db, "uk", "1.0.0", "2024.1.0"));
        var first = await core.RunAsync<SeedDemoAliasesHandler, IReadOnlyList<AliasView>>(h => h.HandleAsync([a.BundleId, uk.DisplayId]));
        Assert.Equal(["uk", "us"], first.Select(x => x.Country).Order());
        await PromoteAsync(core, b.BundleId, "1");
        var again = await core.RunAsync<SeedDemoAliasesHandler, IReadOnlyList<AliasView>>(h => h.HandleAsync([a.BundleId, uk.BundleId]));
        Assert.Empty(again);
        var events = await DbAsync(core, db => db.AliasEvents.Where(e => e.Actor == "demo").ToListAsync());
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal("Demo start", e.Reason));
        Assert.Equal(b.BundleId, await DbAsync(core, db => db.BundleAliases.Where(x => x.Country == "us").Select(x => x.BundleId).SingleAsync()));
    }

    [Fact]
    public async Task Demo_start_points_latest_at_each_certified_demo_bundle()
    {
        await using var core = await CoreServices.StartAsync();
        await core.RunAsync<SeedDemoDataReleasesHandler, IReadOnlyList<Portal.Core.Features.DataReleases.GeneratedDataRelease>>(h => h.HandleAsync());
        var bundles = await core.RunAsync<SeedDemoBundlesHandler, IReadOnlyList<CreatedBundle>>(h => h.HandleAsync());
        var ids = bundles.Where(b => b.Bundle.Certified).Select(b => b.Bundle.BundleId).ToList();
        Assert.Equal(2, ids.Count);
        var aliases = await core.RunAsync<SeedDemoAliasesHandler, IReadOnlyList<AliasView>>(h => h.HandleAsync(ids));
        Assert.Equal(ids.Order(), aliases.Select(a => a.BundleId).Order());
        Assert.All(aliases, a => Assert.Equal(("latest", 1L, "demo"), (a.Name, a.Revision, a.UpdatedBy)));
    }

    [Theory]
    [InlineData("0.1.0+81fd43df98a82b1f7b6d0610bf9d1a8ff73cc245", "0.1.0", "81fd43df98a82b1f7b6d0610bf9d1a8ff73cc245")]
    [InlineData("1.2.3-rc.1+ABCDEF0123.dirty", "1.2.3-rc.1", "abcdef0123")]
    [InlineData("0.1.0", "0.1.0", "unknown")]
    [InlineData("0.1.0+local-build", "0.1.0", "unknown")]
    [InlineData(null, "0.0.0", "unknown")]
    public void Portal_build_reads_version_and_commit_from_the_informational_version(string? informational, string version, string commit) =>
        Assert.Equal(new PortalBuild(version, commit), PortalBuild.FromInformationalVersion(informational));
}
