using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.DataReleases;
using Portal.Core.Identity;

namespace Portal.Core.Features.Reports;

/// <param name="Data">A PolicyEngine household situation (<c>{"people": {…}, "households": {…}, …}</c>).</param>
public sealed record CreateLegacyHouseholdRequest(string Country, JsonNode? Data, string? Label);

/// <summary>
/// <c>POST /{country}/household</c>: checks the situation by calculating it once on the newest model
/// (so a report never fails later on bad input), then stores it deduplicated by the hash of its
/// canonical JSON (keys sorted), returning the existing row for an identical household.
/// </summary>
public sealed class CreateLegacyHouseholdHandler(PortalDbContext db, ModelCatalog catalog, TimeProvider time)
{
    public const int MaxBytes = 262_144;

    public async Task<Result<Reused<LegacyHouseholdView>>> HandleAsync(CreateLegacyHouseholdRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Creating households needs the Analyst, Maintainer or Admin role.");
        }

        var model = ReportCountries.Model(catalog, request.Country);
        if (model is null)
        {
            return ReportCountries.Unknown(catalog, request.Country);
        }

        if (request.Data is not JsonObject household || household.Count == 0)
        {
            return Problem.Invalid("data", "Send the household as {\"data\": {\"people\": {…}, \"households\": {…}}}.");
        }

        if (request.Label is { Length: > 255 })
        {
            return Problem.Invalid("label", "At most 255 characters.");
        }

        var canonical = DataReleaseManifest.Canonicalize(household);
        if (canonical.Length > MaxBytes)
        {
            return Problem.Invalid("data", $"The household is {canonical.Length} bytes; the limit is {MaxBytes}.");
        }

        try
        {
            HouseholdCalculator.Calculate(model, (JsonObject)household.DeepClone(), null, null);
        }
        catch (HouseholdInputException e)
        {
            return Problem.Invalid(Models.CalculateHouseholdHandler.PathUnder("$.data", e.JsonPath), e.Reason);
        }
        catch (SimulationException e)
        {
            return Problem.Invalid("data", e.Message);
        }

        var hash = DataReleaseManifest.Sha256Hex(canonical);
        if (await FindAsync(model.Country, hash, ct) is { } existing)
        {
            return new Reused<LegacyHouseholdView>(LegacyHouseholdView.Of(existing), false);
        }

        var row = new LegacyHousehold
        {
            CountryId = model.Country,
            Label = string.IsNullOrWhiteSpace(request.Label) ? null : request.Label.Trim(),
            ApiVersion = model.Version,
            HouseholdJson = canonical,
            HouseholdHash = hash,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.LegacyHouseholds.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await FindAsync(model.Country, hash, ct) is { } winner)
            {
                return new Reused<LegacyHouseholdView>(LegacyHouseholdView.Of(winner), false);
            }

            throw;
        }

        return new Reused<LegacyHouseholdView>(LegacyHouseholdView.Of(row), true);
    }

    private Task<LegacyHousehold?> FindAsync(string country, string hash, CancellationToken ct) =>
        db.LegacyHouseholds.AsNoTracking().FirstOrDefaultAsync(h => h.CountryId == country && h.HouseholdHash == hash, ct);
}
