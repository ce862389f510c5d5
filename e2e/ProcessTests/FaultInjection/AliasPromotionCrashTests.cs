using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// SIGKILL during alias promotions and rollbacks. A promotion is one short transaction, so each trial
/// runs two clients promoting and rolling back <c>us/crash-loop</c> between two bundles in a tight loop
/// (with If-Match, so they also race each other) and kills the portal at a seeded random point of
/// that loop. After the restart the alias table and its history agree (current target = last
/// event's target, revision = number of events, events chained without gaps, one audit entry per
/// event), every change a client saw acknowledged is still there, and the alias can be moved again.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class AliasPromotionCrashTests(CrashPortal portal, ITestOutputHelper output)
{
    /// <summary>An alias of its own, so the other scenarios' <c>latest</c> never moves.</summary>
    private const string AliasName = "crash-loop";
    private const string AliasPath = "/api/v2/aliases/us/" + AliasName;
    private static readonly TimeSpan LoopWindow = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Alias_promotions_killed_mid_loop_leave_history_and_table_consistent()
    {
        var trials = new CrashTrials(output, "alias");
        var clock = Stopwatch.StartNew();
        var bundles = portal.Bundles;
        using (var client = portal.Client())
        {
            using var created = await client.PutAsJsonAsync(AliasPath, new { bundle_id = bundles[0], reason = "crash trials" });
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.PreconditionRequired, await created.Content.ReadAsStringAsync());
        }

        await portal.RestartAsync();

        var total = 0;
        for (var trial = 1; trial <= trials.Count; trial++)
        {
            var delay = trials.KillDelay(trial, LoopWindow);
            var seeds = new[] { trials.Random.Next(), trials.Random.Next() };
            var loops = seeds.Select(seed => new PromotionLoop(portal, bundles, seed)).ToList();
            await CrashTrials.KillDuringAsync(portal.Process, ct => Task.WhenAll(loops.Select(l => l.RunAsync(ct))), delay);
            var acknowledged = loops.Max(l => l.MaxAcknowledgedRevision);
            var changes = loops.Sum(l => l.Changes);
            total += changes;
            trials.Log($"trial {trial}: {changes} changes acknowledged ({loops.Sum(l => l.Conflicts)} If-Match conflicts), highest revision seen {acknowledged}");
            if (loops.Select(l => l.FirstConflict).FirstOrDefault(c => c is not null) is { } conflict)
            {
                trials.Log($"trial {trial}: first conflict: {(conflict.Length > 300 ? conflict[..300] : conflict)}");
            }

            Assert.True(loops.All(l => l.Unexpected is null), string.Join(Environment.NewLine, loops.Select(l => l.Unexpected)));

            await portal.StartAsync();
            var settled = await portal.SettleAsync($"alias trial {trial} (seed {trials.Seed})", () => Task.FromResult(Problem(portal.Database)));
            var alias = portal.Database.Rows("SELECT bundle_id, revision FROM bundle_aliases WHERE country = 'us' AND name = '" + AliasName + "'").Single();
            var revision = (long)alias["revision"]!;
            Assert.True(revision >= acknowledged, $"revision {revision} after the restart, but a client saw revision {acknowledged} acknowledged before the kill");
            trials.Log($"trial {trial}: consistent {settled.TotalMilliseconds:F0} ms after the restart at revision {revision}");

            // The API agrees with the table, and the alias still moves (no lock or half change holds it).
            using var client = portal.Client();
            using var current = await client.GetAsync(AliasPath);
            Assert.Equal($"\"{revision}\"", current.Headers.ETag?.Tag);
            var target = bundles.Single(b => b != (string)alias["bundle_id"]!);
            using var move = new HttpRequestMessage(HttpMethod.Put, AliasPath) { Content = JsonContent.Create(new { bundle_id = target, reason = "after the crash" }) };
            move.Headers.TryAddWithoutValidation("If-Match", $"\"{revision}\"");
            using var moved = await client.SendAsync(move);
            Assert.True(moved.StatusCode == HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
            Assert.Null(Problem(portal.Database));
        }

        trials.Log($"done: {trials.Count} trials, {total} acknowledged changes, 0 failures, {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static string? Problem(CrashDatabase db) =>
        CrashInvariants.Rows("aliases whose revision or target differs from their last event", db.Rows("""
            SELECT a.country, a.name, a.revision, a.bundle_id, e.revision AS last_event_revision, e.to_bundle AS last_event_target,
                   (SELECT COUNT(*) FROM alias_events x WHERE x.country = a.country AND x.alias = a.name) AS events
            FROM bundle_aliases a
            LEFT JOIN alias_events e ON e.country = a.country AND e.alias = a.name
                 AND e.revision = (SELECT MAX(revision) FROM alias_events m WHERE m.country = a.country AND m.alias = a.name)
            WHERE e.id IS NULL OR e.revision <> a.revision OR e.to_bundle <> a.bundle_id
               OR (SELECT COUNT(*) FROM alias_events x WHERE x.country = a.country AND x.alias = a.name) <> a.revision
            """))
        ?? CrashInvariants.Rows("events not chained (from_bundle must be the previous event's to_bundle; the first has none)", db.Rows("""
            SELECT e.country, e.alias, e.revision, e.from_bundle, p.to_bundle AS previous_target FROM alias_events e
            LEFT JOIN alias_events p ON p.country = e.country AND p.alias = e.alias AND p.revision = e.revision - 1
            WHERE (e.revision = 1 AND e.from_bundle IS NOT NULL)
               OR (e.revision > 1 AND (p.id IS NULL OR e.from_bundle IS NOT p.to_bundle))
            """))
        ?? CrashInvariants.Rows("aliases whose audit entries do not match their events one to one", db.Rows("""
            SELECT a.country, a.name, a.revision,
                   (SELECT COUNT(*) FROM audit_events t WHERE t.action IN ('alias.promoted', 'alias.rolled_back')
                        AND t.target = 'alias:' || a.country || '/' || a.name) AS audit_entries
            FROM bundle_aliases a
            WHERE (SELECT COUNT(*) FROM audit_events t WHERE t.action IN ('alias.promoted', 'alias.rolled_back')
                        AND t.target = 'alias:' || a.country || '/' || a.name) <> a.revision
            """));

    /// <summary>One client: read the alias, then promote to the other bundle or roll back, with If-Match, until cancelled.</summary>
    private sealed class PromotionLoop(CrashPortal portal, string[] bundles, int seed)
    {
        private readonly Random _random = new(seed);

        public long MaxAcknowledgedRevision { get; private set; }

        public int Changes { get; private set; }

        public int Conflicts { get; private set; }

        /// <summary>The first 412/409 answer, for the log (a rollback of an alias that never moved is a 409).</summary>
        public string? FirstConflict { get; private set; }

        /// <summary>An answer other than 200/412/409 (e.g. a 500) while the server was up.</summary>
        public string? Unexpected { get; private set; }

        public async Task RunAsync(CancellationToken ct)
        {
            using var client = portal.Client();
            while (!ct.IsCancellationRequested)
            {
                using var current = await client.GetAsync(AliasPath, ct);
                var body = JsonNode.Parse(await current.Content.ReadAsStringAsync(ct))!;
                var etag = current.Headers.ETag?.Tag ?? throw new InvalidOperationException("no ETag: " + body.ToJsonString());
                var target = bundles.Single(b => b != (string?)body["bundle_id"]);
                using var change = _random.Next(2) == 0
                    ? new HttpRequestMessage(HttpMethod.Put, AliasPath) { Content = JsonContent.Create(new { bundle_id = target, reason = "crash loop" }) }
                    : new HttpRequestMessage(HttpMethod.Post, AliasPath + "/rollback") { Content = JsonContent.Create(new { reason = "crash loop" }) };
                change.Headers.TryAddWithoutValidation("If-Match", etag);
                using var answer = await client.SendAsync(change, ct);
                switch (answer.StatusCode)
                {
                    case HttpStatusCode.OK:
                        Changes++;
                        var revision = long.Parse(answer.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
                        MaxAcknowledgedRevision = Math.Max(MaxAcknowledgedRevision, revision);
                        break;
                    case HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict:
                        Conflicts++;
                        FirstConflict ??= $"{change.Method} {change.RequestUri?.AbsolutePath} If-Match {etag}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(ct)}";
                        break;
                    default:
                        Unexpected ??= $"{change.Method} {change.RequestUri}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(ct)}";
                        return;
                }
            }
        }
    }
}
