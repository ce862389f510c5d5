using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Policies;
using Portal.Core.Identity;

namespace Portal.Core.Features.Reports;

/// <param name="Data">PolicyEngine's <c>{path: {"start.stop": value}}</c>; <c>{}</c> is current law.</param>
public sealed record CreateLegacyPolicyRequest(string Country, JsonNode? Data, string? Label);

/// <summary>
/// <c>POST /{country}/policy</c>: validates the changes against the country's newest model (the v2
/// policy validation), stores them in canonical form and returns the existing row when the same
/// canonical policy exists (the unique (country, hash) index settles concurrent creates).
/// </summary>
public sealed class CreateLegacyPolicyHandler(PortalDbContext db, ModelCatalog catalog, TimeProvider time)
{
    public async Task<Result<Reused<LegacyPolicyView>>> HandleAsync(CreateLegacyPolicyRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Creating policies needs the Analyst, Maintainer or Admin role.");
        }

        var model = ReportCountries.Model(catalog, request.Country);
        if (model is null)
        {
            return ReportCountries.Unknown(catalog, request.Country);
        }

        if (request.Data is not JsonObject)
        {
            return Problem.Invalid("data", "Send the policy as {\"data\": {\"parameter.path\": {\"yyyy-mm-dd.yyyy-mm-dd\": value}}}; {} is current law.");
        }

        if (request.Label is { Length: > 255 })
        {
            return Problem.Invalid("label", "At most 255 characters.");
        }

        var canonical = PolicyParameters.Canonicalize(model.Country, request.Data, model);
        if (!canonical.Succeeded)
        {
            return canonical.Problem!;
        }

        var hash = canonical.Value!.Hash;
        if (await FindAsync(model.Country, hash, ct) is { } existing)
        {
            return new Reused<LegacyPolicyView>(LegacyPolicyView.Of(existing), false);
        }

        var row = new LegacyPolicy
        {
            CountryId = model.Country,
            Label = string.IsNullOrWhiteSpace(request.Label) ? null : request.Label.Trim(),
            ApiVersion = model.Version,
            PolicyJson = PolicyParameters.ToPolicyEngineMap(canonical.Value.ChangesJson).ToJsonString(),
            PolicyHash = hash,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.LegacyPolicies.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await FindAsync(model.Country, hash, ct) is { } winner)
            {
                return new Reused<LegacyPolicyView>(LegacyPolicyView.Of(winner), false);
            }

            throw;
        }

        return new Reused<LegacyPolicyView>(LegacyPolicyView.Of(row), true);
    }

    private Task<LegacyPolicy?> FindAsync(string country, string hash, CancellationToken ct) =>
        db.LegacyPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.CountryId == country && p.PolicyHash == hash, ct);
}

/// <summary>The countries legacy routes serve (the installed ones, constrained to us|uk by the routes).</summary>
public static class ReportCountries
{
    public const string RouteConstraint = "regex(^(us|uk)$)";

    public static CountryModel? Model(ModelCatalog catalog, string? country) =>
        country is not null && catalog.Countries.Contains(country, StringComparer.Ordinal) ? catalog.Find(country) : null;

    public static Problem Unknown(ModelCatalog catalog, string? country) =>
        Problem.Invalid("country_id", $"Unknown country '{country}'; installed countries are {string.Join(", ", catalog.Countries)}.");
}
