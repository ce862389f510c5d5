using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Engine.Formulas;
using Portal.Core.Microdata;

namespace Portal.Core.Features.Simulations.Economy;

/// <summary>
/// Where an economy comparison runs: <c>national | state | district | city</c> (US),
/// <c>national | region | constituency</c> (UK). <see cref="Code"/> is canonical: the country
/// (<c>us</c>/<c>uk</c>) for national, a USPS state code, <c>CA-12</c>, <c>NYC</c>, a <c>region</c>
/// enum value (<c>LONDON</c>) or a GSS constituency code (<c>E14000530</c>).
/// </summary>
public sealed record EconomyRegion(string Kind, string? Code)
{
    public const string National = "national";
    public const string State = "state";
    public const string District = "district";
    public const string City = "city";
    public const string Region = "region";
    public const string Constituency = "constituency";

    /// <summary>New York City = its five borough counties (Bronx, Kings, New York, Queens, Richmond).</summary>
    public static IReadOnlyList<int> NewYorkCityCounties { get; } = [36005, 36047, 36061, 36081, 36085];

    private const string UsForms = "us, state/<code> (e.g. state/CA), district/<ST-NN> (e.g. district/CA-12), city/NYC";
    private const string UkForms = "uk, region/<code> (e.g. region/LONDON), constituency/<GSS code> (e.g. constituency/E14000530)";

    public bool IsNational => Kind == National;

    /// <summary>
    /// Parses <c>us</c>, <c>state/CA</c>, <c>district/CA-12</c>, <c>city/NYC</c>; <c>uk</c>,
    /// <c>region/LONDON</c>, <c>constituency/E14000530</c>; null or empty = national. Case-insensitive.
    /// </summary>
    public static Result<EconomyRegion> Parse(string country, string? text)
    {
        var normalizedCountry = country?.Trim().ToLowerInvariant();
        if (normalizedCountry is not ("us" or "uk"))
        {
            return Problem.Invalid("country", $"Unknown country '{country}'; regions exist for us and uk.");
        }

        var value = text?.Trim() ?? "";
        if (value.Length == 0 || string.Equals(value, normalizedCountry, StringComparison.OrdinalIgnoreCase))
        {
            return new EconomyRegion(National, normalizedCountry);
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var kind = slash < 0 ? value.ToLowerInvariant() : value[..slash].ToLowerInvariant();
        var code = slash < 0 ? "" : value[(slash + 1)..].Trim();
        return normalizedCountry == "us" ? ParseUs(value, kind, code) : ParseUk(value, kind, code);
    }

    private static Result<EconomyRegion> ParseUs(string text, string kind, string code)
    {
        switch (kind)
        {
            case State:
                return FindState(code, out var state, out var problem) ? new EconomyRegion(State, state!.Code) : problem!;
            case District:
                var dash = code.IndexOf('-', StringComparison.Ordinal);
                if (dash < 0 || !int.TryParse(code[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    return Problem.Invalid("region", $"'{text}' is not a district; write district/<state>-<number>, e.g. district/CA-12.");
                }

                if (!FindState(code[..dash], out var districtState, out var stateProblem))
                {
                    return stateProblem!;
                }

                var districts = districtState!.Districts;
                return number >= 1 && number <= districts
                    ? new EconomyRegion(District, FormattableString.Invariant($"{districtState.Code}-{number:00}"))
                    : Problem.Invalid("region", districts == 1
                        ? $"{districtState.Name} has one (at-large) district: district/{districtState.Code}-01."
                        : $"{districtState.Name} has districts {districtState.Code}-01 to {districtState.Code}-{districts:00}; there is no district {number}.");
            case City:
                return string.Equals(code, "NYC", StringComparison.OrdinalIgnoreCase)
                    ? new EconomyRegion(City, "NYC")
                    : Problem.Invalid("region", $"Unknown city '{code}'; the only city is city/NYC (New York City).");
            default:
                return Problem.Invalid("region", $"Unknown US region '{text}'{Binder.Suggest(kind, [State, District, City])}; regions are {UsForms}.");
        }
    }

    private static bool FindState(string code, out UsState? state, out Problem? problem)
    {
        state = UsGeography.States.FirstOrDefault(s => string.Equals(s.Code, code, StringComparison.OrdinalIgnoreCase)
            || string.Equals(s.Name, code, StringComparison.OrdinalIgnoreCase));
        problem = state is null
            ? Problem.Invalid("region", $"Unknown state '{code}'{Binder.Suggest(code, UsGeography.StateCodes)}; states are {string.Join(", ", UsGeography.StateCodes)}.")
            : null;
        return state is not null;
    }

    private static Result<EconomyRegion> ParseUk(string text, string kind, string code)
    {
        switch (kind)
        {
            case Region:
                var key = code.Replace(' ', '_').Replace('-', '_');
                var region = UkGeography.Regions.FirstOrDefault(r => string.Equals(r.Code, key, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(r.Name, code, StringComparison.OrdinalIgnoreCase));
                return region is not null
                    ? new EconomyRegion(Region, region.Code)
                    : Problem.Invalid("region", $"Unknown UK region '{code}'{Binder.Suggest(key, UkGeography.RegionCodes)}; regions are {string.Join(", ", UkGeography.RegionCodes)}.");
            case Constituency:
                var upper = code.ToUpperInvariant();
                var all = UkGeography.ConstituencyCodes.SelectMany(c => c);
                return all.Contains(upper, StringComparer.Ordinal)
                    ? new EconomyRegion(Constituency, upper)
                    : Problem.Invalid("region", $"Unknown constituency '{code}'{Binder.Suggest(upper, all)}; constituencies are GSS codes "
                        + "E14000530–E14001062 (England), W07000041–W07000080 (Wales), S14000001–S14000059 (Scotland), N06000001–N06000018 (Northern Ireland).");
            default:
                return Problem.Invalid("region", $"Unknown UK region '{text}'{Binder.Suggest(kind, [Region, Constituency])}; regions are {UkForms}.");
        }
    }

    /// <summary>Canonical text: <c>us</c>, <c>state/CA</c>, <c>district/CA-12</c>, <c>city/NYC</c>, <c>uk</c>, <c>region/LONDON</c>, <c>constituency/E14000530</c>.</summary>
    public override string ToString() => IsNational ? Code ?? National : $"{Kind}/{Code}";
}
