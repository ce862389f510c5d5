using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Publishing;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Runs;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Demo;

/// <summary>How many rows <see cref="SeedLoadRows"/> inserts into each listed table.</summary>
/// <param name="JobBundleId">The bundle the seeded jobs, runs and reports point at (a real, certified one in the load bench); null = the first seeded bundle.</param>
public sealed record SeedLoadRowsRequest(int Rows = 10_000, string? JobBundleId = null, int BatchSize = 1_000);

public sealed record SeedLoadRowsResult(int Bundles, int Jobs, int Reports, int Runs, int PublishRuns, TimeSpan Elapsed);

/// <summary>
/// Fills every table behind a list page (bundles, simulation jobs, reports, runs, publish runs) with
/// many plausible rows for the load bench and the list-page tests. Not a use case: only the bench
/// and tests call it, never an endpoint. Rows go in through EF in batches (one transaction each,
/// change tracker cleared) so memory stays flat. Seeded rows are terminal (failed jobs, errored
/// reports, complete runs) so no worker picks them up; they carry <see cref="SeedActor"/> as their author.
/// </summary>
public static class SeedLoadRows
{
    public const string SeedActor = "load-seed";

    public static async Task<SeedLoadRowsResult> SeedAsync(PortalDbContext db, SeedLoadRowsRequest request, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var start = DateTime.UtcNow.AddMinutes(-request.Rows - 10);
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        string? firstBundle = null;
        await BatchesAsync(db, request, i =>
        {
            var identity = new BundleIdentity(i % 2 == 0 ? "us" : "uk", "0.0.1", Hex(), $"load.{tag}.{i}", Hex(), "national", Hex(), BundleIdentity.CurrentEngineVersion);
            var row = identity.ToRow(i % 3 == 0, "{\"passed\":false,\"by\":\"load-seed\"}", start.AddMinutes(i), SeedActor);
            firstBundle ??= row.BundleId;
            db.ExecutionBundles.Add(row);
        }, ct);

        var bundleId = request.JobBundleId ?? firstBundle!;
        var country = await db.ExecutionBundles.Where(b => b.BundleId == bundleId).Select(b => b.Country).SingleAsync(ct);
        // Each seeded run owns the seeded job of its number, as a spec run owns the job it queued: a
        // steady-state registry, so the start-up backfill (jobs without a run row) has nothing to do.
        var jobIds = Enumerable.Range(0, request.Rows).Select(_ => SimulationJobQueue.NewJobId()).ToArray();
        await BatchesAsync(db, request, i => db.SimulationJobs.Add(Job(i, jobIds[i], tag, country, bundleId, start.AddMinutes(i))), ct);
        var (baseline, reform) = await ReportSimulationsAsync(db, country, bundleId, start, ct);
        await BatchesAsync(db, request, i => db.ReportOutputs.Add(new ReportOutput
        {
            CountryId = country, Simulation1Id = baseline, Simulation2Id = reform, ApiVersion = "load", Status = ReportStatuses.Error,
            ErrorMessage = "Seeded row (load test).", Year = (2024 + (i % 3)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ReportType = "economy", BundleId = bundleId, ReuseKey = $"load-{tag}-{i}", OwnerName = SeedActor,
            CreatedAt = start.AddMinutes(i), UpdatedAt = start.AddMinutes(i), CompletedAt = start.AddMinutes(i),
        }), ct);
        await BatchesAsync(db, request, i => db.Runs.Add(Run(i, jobIds[i], country, bundleId, start.AddMinutes(i))), ct);
        await BatchesAsync(db, request, i => db.PublishRuns.Add(new PublishRun
        {
            RunId = PublicIds.New("pub"), Country = country, DataRelease = $"load.{i}", Scope = PublishScopes.National, Fingerprint = Hex(),
            OutputDir = "", Status = PublishRunStatuses.Failed, AreasTotal = 1, AreasFailed = 1, Actor = SeedActor, Error = "Seeded row (load test).",
            CreatedUtc = start.AddMinutes(i), FinishedUtc = start.AddMinutes(i),
        }), ct);
        return new SeedLoadRowsResult(request.Rows, request.Rows, request.Rows, request.Rows, request.Rows, clock.Elapsed);
    }

    private static SimulationJob Job(int i, string jobId, string tag, string country, string bundleId, DateTime at)
    {
        var request = new JsonObject
        {
            ["kind"] = SimulationJobKinds.EconomyComparison, ["country"] = country, ["region"] = country, ["time_period"] = 2024,
            ["reform"] = new JsonObject(), ["baseline"] = null, ["options"] = new JsonObject { ["include_cliffs"] = false },
            ["title"] = $"Seeded comparison {i}",
        };
        return new SimulationJob
        {
            JobId = jobId, Kind = SimulationJobKinds.EconomyComparison, Country = country, BundleId = bundleId,
            CacheKey = $"load-{tag}-{i}", Status = SimulationJobStatuses.Failed, Progress = 1, RequestJson = request.ToJsonString(),
            Error = "Seeded row (load test).", RunId = $"load-{i}", SubmittedBy = SeedActor, SubmittedUtc = at, CompletedUtc = at,
        };
    }

    private static RunRecord Run(int i, string jobId, string country, string bundleId, DateTime at)
    {
        var id = RunIds.New();
        var template = $"load-template-{i % 20}";
        return new RunRecord
        {
            RunId = id, Kind = RunKinds.Template, Source = i % 2 == 0 ? "portal-sim" : "api", TemplateId = template, ModelId = "load-model",
            Title = $"Seeded run {i}", Country = country, BundleId = bundleId, SpecSha256 = Hex(), Status = RunStatuses.Failed,
            Error = "Seeded row (load test).", JobId = jobId, SubmittedBy = SeedActor, SearchText = $"{id} seeded run {i} {template} load-model {bundleId} {country}",
            CreatedAt = at, CompletedAt = at,
        };
    }

    /// <summary>One baseline and one reform simulation (and their policies) that every seeded report points at.</summary>
    private static async Task<(long Baseline, long Reform)> ReportSimulationsAsync(PortalDbContext db, string country, string bundleId, DateTime at, CancellationToken ct)
    {
        var policies = new[] { "Current law (load seed)", "Reform (load seed)" }.Select(label => new LegacyPolicy
        {
            CountryId = country, Label = label, ApiVersion = "load", PolicyJson = "{}", PolicyHash = Hex(), CreatedAt = at,
        }).ToArray();
        db.LegacyPolicies.AddRange(policies);
        await db.SaveChangesAsync(ct);
        var simulations = policies.Select(p => new ReportSimulation
        {
            CountryId = country, ApiVersion = "load", PopulationId = country, PopulationType = "geography", PolicyId = p.Id,
            Status = ReportStatuses.Error, BundleId = bundleId, CreatedAt = at, UpdatedAt = at,
        }).ToArray();
        db.ReportSimulations.AddRange(simulations);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return (simulations[0].Id, simulations[1].Id);
    }

    private static async Task BatchesAsync(PortalDbContext db, SeedLoadRowsRequest request, Action<int> add, CancellationToken ct)
    {
        for (var from = 0; from < request.Rows; from += request.BatchSize)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            for (var i = from; i < Math.Min(request.Rows, from + request.BatchSize); i++)
            {
                add(i);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    private static string Hex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
