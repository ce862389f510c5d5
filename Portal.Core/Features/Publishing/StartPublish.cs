using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Identity;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Core.Features.Publishing;

/// <param name="DataRelease"><c>us/2024.1.0</c> or <c>us@2024.1.0</c>.</param>
/// <param name="Areas">Area keys (<c>state:CA</c>) or output paths (<c>states/CA.h5</c>) within the scope; null or empty for the whole scope.</param>
/// <param name="Workers">Parallel workers; null for <see cref="PublishingOptions.Workers"/>.</param>
public sealed record StartPublishRequest(string DataRelease, string Scope, IReadOnlyList<string>? Areas = null, int? Workers = null, bool Resume = true, bool Force = false);

/// <summary>
/// Starts a publish run: validates the release, scope and areas, computes the fingerprint of the
/// inputs, refuses (409) to mix files of another fingerprint into the scope unless forced, then
/// stores the run with one pending row per area (one transaction) and queues its single Quartz job.
/// </summary>
public sealed class StartPublishHandler(PortalDbContext db, PublishSources sources, PublishRunQueue queue, PublishingOptions options, TimeProvider time)
{
    public const int MaxWorkers = 64;

    public async Task<Result<PublishRunDetail>> HandleAsync(StartPublishRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanPublish, actor.Roles))
        {
            return Problem.Forbidden("Publishing needs the Maintainer or Admin role.");
        }

        var release = PublishSources.ParseRelease(request.DataRelease);
        var validation = new Validation()
            .Require(release is not null, "data_release", "Name the release as country/version, e.g. us/2024.1.0.")
            .Require(PublishScopes.IsKnown(request.Scope), "scope", "Scope must be regional, national or all.")
            .Require(request.Workers is null or (>= 1 and <= MaxWorkers), "workers", $"Workers must be between 1 and {MaxWorkers}.")
            .Require(request.Areas is null || request.Areas.All(a => !string.IsNullOrWhiteSpace(a) && a.Length <= 100), "areas", "Area names must be non-empty, e.g. state:CA or states/CA.h5.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var (country, version) = release!.Value;
        var resolved = await sources.ResolveAsync(country, version, ct);
        if (!resolved.Succeeded)
        {
            return resolved.Problem!;
        }

        var source = resolved.Value!;
        List<AreaBuildRequest> areas;
        string fingerprint;
        Dictionary<string, double?> targets;
        using (var snapshot = sources.Open(source))
        {
            var catalog = AreaCatalog.FromCalibration(country, snapshot);
            var selected = Select(catalog.ForScope(request.Scope), request.Areas, out var unknown);
            if (unknown.Count > 0)
            {
                return Problem.Invalid("areas", $"Unknown areas for scope {request.Scope}: {string.Join(", ", unknown.Take(20))}. Use keys like state:CA or paths like states/CA.h5.");
            }

            areas = selected;
            fingerprint = PublishSources.Fingerprint(source, snapshot, catalog);
            targets = areas.ToDictionary(a => a.Key, a => AreaTargets.For(a, snapshot)?.Persons, StringComparer.Ordinal);
        }

        var outputDir = PublishSources.OutputDirFor(country, version, fingerprint);
        var previous = await db.PublishScopeFingerprints.FirstOrDefaultAsync(f => f.Country == country && f.DataRelease == version && f.Scope == request.Scope, ct);
        if (previous is not null && previous.Fingerprint != fingerprint && !request.Force && HasFiles(previous.OutputDir))
        {
            return Problem.Conflict(
                $"{country}@{version} was already published for scope {request.Scope} with other inputs (fingerprint {previous.Fingerprint[..Math.Min(12, previous.Fingerprint.Length)]}, run {previous.RunId}); "
                + $"these inputs have fingerprint {fingerprint[..Math.Min(12, fingerprint.Length)]}. Files of different inputs are never mixed: send force=true to publish the new set alongside (the old files are kept).")
                with { Extensions = new Dictionary<string, object?> { ["existing_fingerprint"] = previous.Fingerprint, ["fingerprint"] = fingerprint } };
        }

        // Two runs writing one directory at once would race on the same files.
        var active = await db.PublishRuns.AsNoTracking()
            .Where(r => r.OutputDir == outputDir && (r.Status == PublishRunStatuses.Queued || r.Status == PublishRunStatuses.Running))
            .Select(r => r.RunId).FirstOrDefaultAsync(ct);
        if (active is not null)
        {
            return Problem.Conflict($"Run {active} is still publishing these files; wait for it to finish.")
                with { Extensions = new Dictionary<string, object?> { ["run_id"] = active } };
        }

        var now = time.GetUtcNow().UtcDateTime;
        var run = new PublishRun
        {
            RunId = PublicIds.New("pub"),
            Country = country,
            DataRelease = version,
            Scope = request.Scope,
            AreasJson = request.Areas is { Count: > 0 } ? JsonSerializer.Serialize(areas.Select(a => a.Key)) : null,
            Workers = request.Workers ?? options.EffectiveWorkers,
            Resume = request.Resume,
            Force = request.Force,
            Fingerprint = fingerprint,
            OutputDir = outputDir,
            Status = PublishRunStatuses.Queued,
            AreasTotal = areas.Count,
            Actor = actor.Name,
            CreatedUtc = now,
        };

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.PublishRuns.Add(run);
            await db.SaveChangesAsync(ct);
            db.PublishAreas.AddRange(areas.Select(a => new PublishArea
            {
                PublishRunId = run.Id,
                AreaType = a.AreaType,
                AreaId = a.AreaId,
                DisplayName = a.DisplayName,
                OutputPath = a.OutputRelativePath,
                Target = targets[a.Key],
            }));
            if (previous is null)
            {
                db.PublishScopeFingerprints.Add(previous = new PublishScopeFingerprint { Country = country, DataRelease = version, Scope = request.Scope });
            }

            previous.Fingerprint = fingerprint;
            previous.OutputDir = outputDir;
            previous.RunId = run.RunId;
            previous.UpdatedUtc = now;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        db.ChangeTracker.Clear();
        await queue.ScheduleAsync(run.RunId, ct);
        return await PublishQueries.DetailAsync(db, run.RunId, ct) is { } detail ? detail : Problem.NotFound($"Publish run {run.RunId}");
    }

    private bool HasFiles(string outputDir)
    {
        var full = sources.FullPath(outputDir);
        return Directory.Exists(full) && Directory.EnumerateFiles(full, "*.h5", SearchOption.AllDirectories).Any();
    }

    private static List<AreaBuildRequest> Select(IReadOnlyList<AreaBuildRequest> scope, IReadOnlyList<string>? names, out List<string> unknown)
    {
        unknown = [];
        if (names is not { Count: > 0 })
        {
            return scope.ToList();
        }

        var byName = new Dictionary<string, AreaBuildRequest>(StringComparer.OrdinalIgnoreCase);
        foreach (var area in scope)
        {
            foreach (var name in PublishSources.Names(area))
            {
                byName.TryAdd(name, area);
            }
        }

        var chosen = new List<AreaBuildRequest>();
        foreach (var name in names.Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (byName.TryGetValue(name, out var area))
            {
                if (!chosen.Contains(area))
                {
                    chosen.Add(area);
                }
            }
            else
            {
                unknown.Add(name);
            }
        }

        return chosen;
    }
}
