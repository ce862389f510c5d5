using Portal.Core.Common;

namespace Portal.Core.Features.V2;

/// <summary>Which part of a bundle's population a v2 simulation covers.</summary>
public static class V2Regions
{
    /// <summary>
    /// The canonical region: the country code for the whole population (the default). Sub-national
    /// regions are refused with a reason rather than silently simulated nationally.
    /// </summary>
    public static Result<string> Normalize(string country, string? region)
    {
        var text = region?.Trim() ?? "";
        if (text.Length == 0 || string.Equals(text, country, StringComparison.OrdinalIgnoreCase))
        {
            return country;
        }

        return Problem.Invalid("region",
            $"Region '{region}' is not available for v2 simulations: they cover the whole population ('{country}'). " +
            "Regional comparisons run on POST /simulate/economy/comparison.");
    }
}
