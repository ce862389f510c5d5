using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Policies;
using Portal.Core.Features.Simulations;
using Portal.Core.Identity;

namespace Portal.Core.Features.V2;

/// <param name="Bundle">Bundle id, display id or alias of <paramref name="Country"/>; default <c>latest</c>.</param>
/// <param name="TimePeriod">Year to simulate; default the bundle model's default period.</param>
public sealed record SubmitSimulationRequest(string? Country = null, string? PolicyId = null, string? Bundle = null, int? TimePeriod = null, string? Region = null);

/// <summary>
/// Queues a simulation of one policy (or current law) over a bundle's dataset. Everything that can
/// be checked before running is checked here — the bundle resolves and is certified, its model is
/// installed, the policy's changes fit that model — so a queued job fails only for run-time reasons.
/// Identical simulations (same bundle, policy hash, period, region) share one job.
/// </summary>
public sealed class SubmitSimulationHandler(PortalDbContext db, ModelCatalog catalog, SimulationJobQueue queue)
{
    public const string DefaultBundle = "latest";

    public async Task<Result<SimulationSubmitted>> HandleAsync(SubmitSimulationRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Running simulations needs the Analyst, Maintainer or Admin role.");
        }

        var country = request.Country;
        if (country is null || !catalog.Countries.Contains(country, StringComparer.Ordinal))
        {
            return Problem.Invalid("country", $"Country must be one of {string.Join(", ", catalog.Countries)}.");
        }

        var reference = string.IsNullOrWhiteSpace(request.Bundle) ? DefaultBundle : request.Bundle.Trim();
        var resolved = await BundleLookup.ResolveAsync(db, country, reference, ct);
        if (resolved is null)
        {
            var aliases = await db.BundleAliases.AsNoTracking().Where(a => a.Country == country).OrderBy(a => a.Name).Select(a => a.Name).ToListAsync(ct);
            return Problem.Invalid("bundle", $"No {country} bundle or alias '{reference}'. " +
                (aliases.Count == 0 ? $"{country} has no aliases yet; name a bundle id." : $"Aliases: {string.Join(", ", aliases)}; or name a bundle id."));
        }

        var bundle = resolved.Bundle;
        if (!bundle.Certified)
        {
            return Problem.Invalid("bundle", $"Bundle {bundle.DisplayId} is not certified (its dataset did not load or its smoke simulation failed); choose a certified bundle.");
        }

        var model = catalog.Find(country, bundle.ModelVersion);
        if (model is null)
        {
            return Problem.Invalid("bundle", $"Bundle {bundle.DisplayId} needs model release {country} {bundle.ModelVersion}, which is not installed here.");
        }

        var validation = new Validation();
        var period = request.TimePeriod ?? model.DefaultPeriod;
        validation.Require(period is >= 2000 and <= 2100, "time_period", "time_period must be a year between 2000 and 2100.");
        var region = V2Regions.Normalize(country, request.Region);
        if (!region.Succeeded)
        {
            return region.Problem!;
        }

        Policy? policy = null;
        if (request.PolicyId is not null)
        {
            policy = PublicIds.LooksLike(request.PolicyId, "pol") ? await db.Policies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.PolicyId, ct) : null;
            if (policy is null)
            {
                validation.Add("policy_id", $"No policy '{request.PolicyId}'.");
            }
            else if (policy.Country != country)
            {
                validation.Add("policy_id", $"Policy {policy.Id} is a {policy.Country} policy; this simulation is for {country}.");
            }
            else
            {
                try
                {
                    PolicyParameters.ToReform(policy.ChangesJson).Validate(model);
                }
                catch (ReformException e)
                {
                    validation.Add("policy_id", $"Policy {policy.Id} does not fit model {country} {model.Version} of bundle {bundle.DisplayId}: {e.Reason}");
                }
            }
        }

        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var inputs = new V2SimulationInputs(policy?.Id, policy?.PolicyHash, policy?.ChangesJson ?? "[]", period, region.Value!, reference, resolved.ViaAlias, resolved.AliasRevision);
        var job = new SimulationJob
        {
            JobId = PublicIds.New("sim"),
            Kind = SimulationJobKinds.Simulation,
            Country = country,
            BundleId = bundle.BundleId,
            CacheKey = inputs.CacheKey(bundle.BundleId),
            RequestJson = inputs.ToJson(),
            SubmittedBy = actor.Name,
        };
        var (stored, created) = await queue.SubmitAsync(job, ct);
        return new SimulationSubmitted(SimulationView.Of(stored, bundle), created);
    }
}
