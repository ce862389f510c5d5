using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations.Economy;
using Portal.Core.Identity;

namespace Portal.Core.Features.Reports;

/// <param name="PopulationId">A household id, or a region (<c>us</c>, <c>state/CA</c>, <c>constituency/E14000530</c>).</param>
/// <param name="PopulationType"><c>household</c> or <c>geography</c>.</param>
public sealed record CreateReportSimulationRequest(string Country, string? PopulationId, string? PopulationType, long? PolicyId);

/// <summary>
/// <c>POST /{country}/simulation</c>: a population under a legacy policy, reused by (country,
/// population, population type, policy) like the legacy API. Regions are stored canonically
/// (<c>state/ca</c> → <c>state/CA</c>) so spellings do not split the cache.
/// </summary>
public sealed class CreateReportSimulationHandler(PortalDbContext db, ModelCatalog catalog, TimeProvider time)
{
    public async Task<Result<Reused<ReportSimulationView>>> HandleAsync(CreateReportSimulationRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Creating simulations needs the Analyst, Maintainer or Admin role.");
        }

        var model = ReportCountries.Model(catalog, request.Country);
        if (model is null)
        {
            return ReportCountries.Unknown(catalog, request.Country);
        }

        var country = model.Country;
        if (request.PopulationType is not (PopulationTypes.Household or PopulationTypes.Geography))
        {
            return Problem.Invalid("population_type", "Must be 'household' or 'geography'.");
        }

        if (request.PolicyId is not { } policyId || !await db.LegacyPolicies.AnyAsync(p => p.Id == policyId && p.CountryId == country, ct))
        {
            return Problem.Invalid("policy_id", request.PolicyId is null ? "Field required: a policy id from POST /{country}/policy." : $"Policy #{request.PolicyId} does not exist for {country}.");
        }

        string population;
        if (request.PopulationType == PopulationTypes.Household)
        {
            if (!long.TryParse(request.PopulationId, NumberStyles.None, CultureInfo.InvariantCulture, out var householdId)
                || !await db.LegacyHouseholds.AnyAsync(h => h.Id == householdId && h.CountryId == country, ct))
            {
                return Problem.Invalid("population_id", $"Household '{request.PopulationId}' does not exist for {country}; create it with POST /{country}/household.");
            }

            population = householdId.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            var region = EconomyRegion.Parse(country, request.PopulationId ?? country);
            if (!region.Succeeded)
            {
                return Problem.Invalid("population_id", region.Problem!.Describe());
            }

            population = region.Value!.ToString();
        }

        var type = request.PopulationType;
        if (await FindAsync(country, population, type, policyId, ct) is { } existing)
        {
            return new Reused<ReportSimulationView>(ReportSimulationView.Of(existing), false);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var row = new ReportSimulation
        {
            CountryId = country,
            ApiVersion = model.Version,
            PopulationId = population,
            PopulationType = type,
            PolicyId = policyId,
            Status = ReportStatuses.Pending,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.ReportSimulations.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await FindAsync(country, population, type, policyId, ct) is { } winner)
            {
                return new Reused<ReportSimulationView>(ReportSimulationView.Of(winner), false);
            }

            throw;
        }

        return new Reused<ReportSimulationView>(ReportSimulationView.Of(row), true);
    }

    private Task<ReportSimulation?> FindAsync(string country, string population, string type, long policyId, CancellationToken ct) =>
        db.ReportSimulations.AsNoTracking().FirstOrDefaultAsync(
            s => s.CountryId == country && s.PopulationId == population && s.PopulationType == type && s.PolicyId == policyId, ct);
}
