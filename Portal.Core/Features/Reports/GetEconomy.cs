using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Simulations.Economy;

namespace Portal.Core.Features.Reports;

/// <param name="Region">Default: the whole country.</param>
/// <param name="TimePeriod">Default: the model's default year.</param>
/// <param name="Dataset">A dataset artifact (the bundle's by default).</param>
/// <param name="Version">A model version (legacy <c>version</c>); <paramref name="Bundle"/> names a bundle or alias.</param>
public sealed record GetEconomyRequest(
    string Country, long ReformPolicyId, long BaselinePolicyId, string? Region = null, string? TimePeriod = null, string? Dataset = null,
    string? Version = null, string? Bundle = null, string? Target = null);

/// <summary>The legacy economy envelope: <c>status</c> is <c>computing</c>, <c>ok</c> or <c>error</c>.</summary>
public sealed record EconomyImpactResponse(string Status, string? Message, JsonNode? Result);

/// <summary>
/// <c>GET /{country}/economy/{reform}/over/{baseline}</c>, PolicyEngine's economy cache: the first
/// request for a key inserts a <c>computing</c> row and queues a gateway job (the gateway's own
/// cache dedupes identical work); polls bring the row up to date from the job. An <c>error</c> row
/// is answered as an error — never as a cached success, unlike the legacy API. Starting a
/// computation needs CanRun; reading a cached row any signed-in user.
/// </summary>
public sealed class GetEconomyHandler(PortalDbContext db, ModelCatalog catalog, GatewayBundleResolver resolver, SubmitEconomyComparisonHandler submit, TimeProvider time)
{
    public async Task<Result<EconomyImpactResponse>> HandleAsync(GetEconomyRequest request, Actor actor, CancellationToken ct = default)
    {
        var model = ReportCountries.Model(catalog, request.Country);
        if (model is null)
        {
            return ReportCountries.Unknown(catalog, request.Country);
        }

        var country = model.Country;
        var reform = await db.LegacyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.ReformPolicyId && p.CountryId == country, ct);
        var baseline = await db.LegacyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.BaselinePolicyId && p.CountryId == country, ct);
        if (reform is null || baseline is null)
        {
            return Problem.NotFound($"Policy #{(reform is null ? request.ReformPolicyId : request.BaselinePolicyId)} of {country}");
        }

        var region = EconomyRegion.Parse(country, request.Region);
        if (!region.Succeeded)
        {
            return region.Problem!;
        }

        var inputs = await ReportInputs.CheckAsync(resolver, country, request.TimePeriod, model.DefaultPeriod, "time_period", "2026", request.Target, request.Bundle, request.Version, request.Dataset, ct);
        if (!inputs.Succeeded)
        {
            return inputs.Problem!;
        }

        var (year, target, bundle) = inputs.Value;
        var key = ReformImpactKey.Build(country, reform.Id, baseline.Id, region.Value!.ToString(), year.ToString(CultureInfo.InvariantCulture), bundle, target);
        var row = await key.Match(db.ReformImpacts.AsNoTracking()).FirstOrDefaultAsync(ct);
        if (row is not null)
        {
            return await AnswerAsync(row, ct);
        }

        var gateway = new GatewayRequest(country, bundle.BundleId, null, null, null, null, year, JsonNode.Parse(reform.PolicyJson), JsonNode.Parse(baseline.PolicyJson),
            key.Region, $"Economy #{reform.Id} over #{baseline.Id}", target == EconomyTargets.Cliff, null, null, null);
        var submitted = await submit.HandleAsync(gateway, actor, ct);
        if (!submitted.Succeeded)
        {
            return submitted.Problem!;
        }

        var fresh = key.NewRow(submitted.Value!.Job.JobId, time.GetUtcNow().UtcDateTime);
        db.ReformImpacts.Add(fresh);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent first request inserted the row: answer from it.
            db.ChangeTracker.Clear();
            fresh = await key.Match(db.ReformImpacts.AsNoTracking()).FirstAsync(ct);
        }

        db.ChangeTracker.Clear();
        return await AnswerAsync(fresh, ct);
    }

    /// <summary>The row as an answer; a computing row first takes the outcome of its gateway job, if it has one.</summary>
    private async Task<EconomyImpactResponse> AnswerAsync(ReformImpact row, CancellationToken ct)
    {
        if (row.Status == ReformImpactStatuses.Computing)
        {
            var job = await db.SimulationJobs.AsNoTracking()
                .Where(j => j.JobId == row.ExecutionId && j.Kind == SimulationJobKinds.EconomyComparison)
                .Select(j => new { j.Status, j.ResultJson, j.Error })
                .FirstOrDefaultAsync(ct);
            if (job is not null && SimulationJobStatuses.IsTerminal(job.Status))
            {
                var ok = job.Status == SimulationJobStatuses.Complete && job.ResultJson is not null;
                row.Status = ok ? ReformImpactStatuses.Ok : ReformImpactStatuses.Error;
                row.ReformImpactJson = ok ? job.ResultJson! : "{}";
                row.Message = ok ? "Completed" : Truncate(job.Error ?? "The computation failed.");
                row.EndTime = time.GetUtcNow().UtcDateTime;
                await db.ReformImpacts
                    .Where(r => r.ReformImpactId == row.ReformImpactId && r.Status == ReformImpactStatuses.Computing && r.ExecutionId == row.ExecutionId)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(r => r.Status, row.Status)
                        .SetProperty(r => r.ReformImpactJson, row.ReformImpactJson)
                        .SetProperty(r => r.Message, row.Message)
                        .SetProperty(r => r.EndTime, row.EndTime), ct);
            }
        }

        return row.Status switch
        {
            ReformImpactStatuses.Ok => new EconomyImpactResponse("ok", null, JsonNode.Parse(row.ReformImpactJson)),
            ReformImpactStatuses.Error => new EconomyImpactResponse("error", row.Message, null),
            _ => new EconomyImpactResponse("computing", null, null),
        };
    }

    internal static string Truncate(string message) => message.Length > 2000 ? message[..2000] : message;
}
