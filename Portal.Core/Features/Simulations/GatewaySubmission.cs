using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Simulations.Economy;
using Portal.Core.Identity;

namespace Portal.Core.Features.Simulations;

/// <summary>What a submit returns: the job (new or the existing one with the same cache key) and its bundle.</summary>
/// <param name="RunId">The caller's run id when it sent one, else the job's.</param>
public sealed record GatewaySubmission(SimulationJob Job, PolicyEngineBundle Bundle, bool Created, string RunId);

/// <summary>A submit checked and resolved: the bundle, its model, the parsed policies, region and year.</summary>
public sealed record PreparedGatewayRequest(ResolvedBundle Resolved, CountryModel Model, Reform Reform, Reform Baseline, EconomyRegion Region, int TimePeriod);

/// <summary>
/// The checks both gateway submits share, in the order a client can fix them: permission, country,
/// bundle resolution, the bundle's model, policies (400 naming the JSON path), region, year.
/// </summary>
public sealed class GatewayPreparation(GatewayBundleResolver resolver, ModelCatalog catalog)
{
    public async Task<Result<PreparedGatewayRequest>> PrepareAsync(GatewayRequest request, Actor actor, CancellationToken ct)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Running simulations needs the Analyst, Maintainer or Admin role.");
        }

        if (!catalog.Countries.Contains(request.Country, StringComparer.Ordinal))
        {
            return Problem.Invalid("country", $"Unknown country '{request.Country}'; installed countries are {string.Join(", ", catalog.Countries)}.");
        }

        var resolved = await resolver.ResolveAsync(request, ct);
        if (!resolved.Succeeded)
        {
            return resolved.Problem!;
        }

        var bundle = resolved.Value!.Bundle;
        var model = catalog.Find(bundle.Country, bundle.ModelVersion);
        if (model is null || !string.Equals(model.Sha256, bundle.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            return Problem.Invalid("bundle", model is null
                ? $"Bundle {bundle.DisplayId} needs model release {bundle.Country} {bundle.ModelVersion}, which is not installed on this Portal."
                : $"Bundle {bundle.DisplayId} was built with {bundle.Country} {bundle.ModelVersion} sha256 {bundle.ModelSha256}, but the installed release hashes to {model.Sha256}.");
        }

        Reform reform, baseline;
        try
        {
            reform = ParsePolicy(request.Reform, "reform", model);
            baseline = ParsePolicy(request.Baseline, "baseline", model);
        }
        catch (GatewayPolicyException e)
        {
            return Problem.Invalid(e.Field, e.Message);
        }

        var region = EconomyRegion.Parse(request.Country, request.Region);
        if (!region.Succeeded)
        {
            return region.Problem!;
        }

        return new PreparedGatewayRequest(resolved.Value, model, reform, baseline, region.Value!, request.TimePeriod ?? model.DefaultPeriod);
    }

    /// <summary>Parses and checks a policy against the model; errors name the path inside the request body.</summary>
    private static Reform ParsePolicy(JsonNode? node, string field, CountryModel model)
    {
        try
        {
            var policy = Reform.Parse(node);
            policy.Validate(model);
            return policy;
        }
        catch (ReformException e)
        {
            throw new GatewayPolicyException("$." + field + e.JsonPath[1..], e.Reason);
        }
    }

    private sealed class GatewayPolicyException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }
}

/// <summary>
/// <c>POST /simulate/economy/comparison</c>: resolves the bundle, computes the cache key and returns
/// the job holding it — a new one queued on Quartz, or the existing queued/running/complete one.
/// </summary>
public sealed class SubmitEconomyComparisonHandler(GatewayPreparation preparation, SimulationJobQueue queue)
{
    public async Task<Result<GatewaySubmission>> HandleAsync(GatewayRequest request, Actor actor, CancellationToken ct = default)
    {
        var prepared = await preparation.PrepareAsync(request, actor, ct);
        if (!prepared.Succeeded)
        {
            return prepared.Problem!;
        }

        var p = prepared.Value!;
        var bundle = p.Resolved.Bundle;
        var region = p.Region.ToString();
        var options = new JsonObject { ["include_cliffs"] = request.IncludeCliffs };
        var inputs = new GatewayInputs(SimulationJobKinds.EconomyComparison, request.Country, region, p.TimePeriod, request.Reform, request.Baseline, request.IncludeCliffs, request.Title);
        var job = new SimulationJob
        {
            Kind = SimulationJobKinds.EconomyComparison,
            Country = request.Country,
            BundleId = bundle.BundleId,
            CacheKey = GatewayCacheKey.Compute(bundle.BundleId, p.Reform, p.Baseline, region, p.TimePeriod, options, p.Model),
            RequestJson = inputs.ToJson(request, p.Resolved).ToJsonString(),
            RunId = request.RunId ?? "",
            SubmittedBy = actor.Name,
        };
        var (stored, created) = await queue.SubmitAsync(job, ct);
        return new GatewaySubmission(stored, PolicyEngineBundle.From(bundle), created, request.RunId ?? stored.RunId);
    }
}
