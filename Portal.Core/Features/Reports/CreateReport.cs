using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations;
using Portal.Core.Identity;

namespace Portal.Core.Features.Reports;

/// <param name="Simulation1Id">Baseline simulation.</param>
/// <param name="Simulation2Id">Reform simulation (null = a single-simulation report).</param>
/// <param name="Year">Default: the model's default year.</param>
/// <param name="Bundle">Bundle id, display id or alias; default the country's <c>latest</c> alias now.</param>
/// <param name="Version">A model version instead of a bundle (legacy <c>version</c>).</param>
/// <param name="Dataset">A dataset artifact of the same model and data release (economy reports).</param>
/// <param name="Target"><c>general</c> (default) or <c>cliff</c> (economy reports).</param>
public sealed record CreateReportRequest(
    string Country, long? Simulation1Id, long? Simulation2Id, string? Year,
    string? Bundle = null, string? Version = null, string? Dataset = null, string? Target = null);

/// <summary>
/// <c>POST /{country}/report</c>: resolves the execution bundle (so the report's provenance and
/// cache version are fixed at creation), then creates the report and queues its computation, or
/// returns the report that already has (country, simulations, year, cache version, options).
/// </summary>
public sealed class CreateReportHandler(PortalDbContext db, ModelCatalog catalog, GatewayBundleResolver resolver, ReportJobs jobs, TimeProvider time)
{
    public async Task<Result<Reused<ReportView>>> HandleAsync(CreateReportRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Creating reports needs the Analyst, Maintainer or Admin role.");
        }

        var model = ReportCountries.Model(catalog, request.Country);
        if (model is null)
        {
            return ReportCountries.Unknown(catalog, request.Country);
        }

        var country = model.Country;
        if (request.Simulation1Id is not { } id1)
        {
            return Problem.Invalid("simulation_1_id", "Field required: the baseline simulation id from POST /{country}/simulation.");
        }

        var simulation1 = await db.ReportSimulations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id1 && s.CountryId == country, ct);
        if (simulation1 is null)
        {
            return Problem.Invalid("simulation_1_id", $"Simulation #{id1} does not exist for {country}.");
        }

        ReportSimulation? simulation2 = null;
        if (request.Simulation2Id is { } id2)
        {
            simulation2 = await db.ReportSimulations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id2 && s.CountryId == country, ct);
            if (simulation2 is null)
            {
                return Problem.Invalid("simulation_2_id", $"Simulation #{id2} does not exist for {country}.");
            }

            if (simulation2.PopulationType != simulation1.PopulationType)
            {
                return Problem.Invalid("simulation_2_id", $"Simulation #{id1} is a {simulation1.PopulationType} simulation and #{id2} a {simulation2.PopulationType} one; a report compares one population type.");
            }
        }

        var inputs = await ReportInputs.CheckAsync(resolver, country, request.Year, model.DefaultPeriod, "year", "\"2026\"", request.Target, request.Bundle, request.Version, request.Dataset, ct);
        if (!inputs.Succeeded)
        {
            return inputs.Problem!;
        }

        var (year, target, bundle) = inputs.Value;
        var type = ReportTypes.For(simulation1.PopulationType);
        var yearText = year.ToString(CultureInfo.InvariantCulture);
        var options = ReportOptions.Json(type == ReportTypes.Economy ? target : EconomyTargets.General);
        var cacheVersion = ReportCacheVersion.For(bundle.BundleId);
        var reuseKey = string.Join('|', country, id1.ToString(CultureInfo.InvariantCulture), simulation2?.Id.ToString(CultureInfo.InvariantCulture) ?? "none", yearText, cacheVersion, options);
        if (await FindAsync(reuseKey, ct) is { } existing)
        {
            return new Reused<ReportView>(ReportView.Of(existing), false);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var job = jobs.NewJob(country, bundle.BundleId, actor, now);
        var report = new ReportOutput
        {
            CountryId = country,
            Simulation1Id = id1,
            Simulation2Id = simulation2?.Id,
            ApiVersion = cacheVersion,
            Status = ReportStatuses.Pending,
            Year = yearText,
            ReportType = type,
            BundleId = bundle.BundleId,
            OptionsJson = options,
            ReuseKey = reuseKey,
            OwnerId = actor.UserId,
            OwnerName = actor.Name,
            JobId = job.JobId,
            CreatedAt = now,
            UpdatedAt = now,
        };

        // The report and its job in one write: a report is never pending without a job to compute it.
        db.ReportOutputs.Add(report);
        db.SimulationJobs.Add(job);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await FindAsync(reuseKey, ct) is { } winner)
            {
                return new Reused<ReportView>(ReportView.Of(winner), false);
            }

            throw;
        }

        db.ChangeTracker.Clear();
        await jobs.ScheduleAsync(job.JobId, ct);
        return new Reused<ReportView>(ReportView.Of(report), true);
    }

    private Task<ReportOutput?> FindAsync(string reuseKey, CancellationToken ct) =>
        db.ReportOutputs.AsNoTracking().FirstOrDefaultAsync(r => r.ReuseKey == reuseKey, ct);
}
