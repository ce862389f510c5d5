using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

/// <summary>
/// One household under one release. <paramref name="Policy"/> is a reform (list form or PolicyEngine's
/// <c>{path: {"start.stop": value}}</c>); <paramref name="ModelVersion"/> null = the newest release.
/// </summary>
public sealed record CalculateHouseholdRequest(string Country, JsonObject Household, JsonNode? Policy = null, string? ModelVersion = null, int? Period = null);

public sealed record HouseholdCalculation(JsonObject Household, int Period, ModelReleaseRef Model);

/// <summary>
/// The household calculator use case behind <c>POST /{country}/calculate</c> and the calculator page.
/// Input problems come back as validation problems keyed by the JSON path of the offending value
/// in the request body (<c>$.household.people.you.age</c>, <c>$.policy[0].path</c>), so a client can
/// point at the exact field.
/// </summary>
public sealed class CalculateHouseholdHandler(ModelCatalog catalog)
{
    public const string HouseholdRoot = "$.household";
    public const string PolicyRoot = "$.policy";

    public Result<HouseholdCalculation> Handle(CalculateHouseholdRequest request)
    {
        var found = ModelLookup.Find(catalog, request.Country, request.ModelVersion);
        if (!found.Succeeded)
        {
            return found.Problem!;
        }

        var model = found.Value!;
        Reform? reform;
        try
        {
            reform = ParsePolicy(request.Policy);
            reform?.Validate(model);
        }
        catch (ReformException e)
        {
            return Invalid(PathUnder(PolicyRoot, e.JsonPath), e.Reason);
        }

        try
        {
            // The engine fills the object in place; the caller's copy stays as it was sent.
            var result = HouseholdCalculator.Calculate(model, (JsonObject)request.Household.DeepClone(), request.Period, reform);
            return new HouseholdCalculation(result.Household, result.Period, ModelReleaseRef.Of(model));
        }
        catch (HouseholdInputException e)
        {
            return Invalid(PathUnder(HouseholdRoot, e.JsonPath), e.Reason);
        }
        catch (SimulationException e)
        {
            return Invalid(HouseholdRoot, e.Message);
        }
    }

    /// <summary>No policy, <c>{}</c> and <c>[]</c> all mean current law.</summary>
    private static Reform? ParsePolicy(JsonNode? policy) => policy switch
    {
        null => null,
        JsonObject { Count: 0 } or JsonArray { Count: 0 } => null,
        _ => Reform.Parse(policy),
    };

    private static Problem Invalid(string path, string reason) =>
        new(ProblemKind.Validation, "Invalid household or policy", $"{path}: {reason}", new Dictionary<string, string[]> { [path] = [reason] });

    /// <summary>The engine reports paths relative to the household or policy (<c>$.people.you.age</c>); the API body nests them.</summary>
    public static string PathUnder(string root, string? path)
    {
        var relative = (path ?? "").Trim();
        if (relative.StartsWith(root + ".", StringComparison.Ordinal) || relative.StartsWith(root + "[", StringComparison.Ordinal) || relative == root)
        {
            return relative;
        }

        relative = relative.StartsWith('$') ? relative[1..] : relative;
        return relative.Length == 0 ? root
            : relative.StartsWith('.') || relative.StartsWith('[') ? root + relative
            : root + "." + relative;
    }
}
