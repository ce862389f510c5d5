using System.Text.Json.Nodes;
using Portal.Core.Engine;
using Portal.Core.Microdata;

namespace Portal.Core.Features.Simulations.Economy;

/// <summary>Region filtering and the per-district (US) and per-constituency (UK) breakdowns.</summary>
internal static class EconomyGeography
{
    public const string DistrictColumn = "congressional_district_geoid";
    public const string CountyColumn = "county_fips";
    public const string ConstituencyColumn = "constituency_code";

    /// <summary>
    /// The population of <paramref name="region"/>: its households with their persons and group
    /// instances (a real subset, so a small region simulates only its own rows).
    /// </summary>
    public static Population Filter(CountryModel model, Population population, int period, EconomyRegion region)
    {
        var allowed = model.Country == "us"
            ? new[] { EconomyRegion.National, EconomyRegion.State, EconomyRegion.District, EconomyRegion.City }
            : [EconomyRegion.National, EconomyRegion.Region, EconomyRegion.Constituency];
        if (!allowed.Contains(region.Kind))
        {
            throw new EconomyComparisonException($"Region '{region}' is not a {model.Country} region; {model.Country} regions are {string.Join(", ", allowed)}.");
        }

        if (region.IsNational)
        {
            return population;
        }

        var (entity, keep) = region.Kind switch
        {
            EconomyRegion.State => Variable(model, population, period, "state_code", region.Code!),
            EconomyRegion.Region => Variable(model, population, period, "region", region.Code!),
            EconomyRegion.District => Column(population, DistrictColumn, region, v => v == DistrictGeoid(region.Code!)),
            EconomyRegion.City => Column(population, CountyColumn, region, v => EconomyRegion.NewYorkCityCounties.Contains((int)v)),
            _ => Column(population, ConstituencyColumn, region, null),
        };
        var subset = population.Subset(entity, keep);
        if (subset.Count(EconomyConcepts.Household) == 0)
        {
            throw new EconomyComparisonException($"The dataset has no households in {region}.");
        }

        return subset;
    }

    private static (string Entity, bool[] Keep) Variable(CountryModel model, Population population, int period, string variable, string code)
    {
        var definition = model.FindVariable(variable)
            ?? throw new EconomyComparisonException($"The {model.Country} {model.Version} model has no '{variable}' variable to select a region by.");
        var index = definition.EnumIndex(code);
        if (index < 0)
        {
            throw new EconomyComparisonException($"'{code}' is not a value of {variable} in the {model.Country} {model.Version} model.");
        }

        // An input column or the variable's default: reading it through a simulation covers both.
        var values = new Simulation(model, population, period).Calculate(variable);
        return (definition.Entity, Array.ConvertAll(values, v => v == index));
    }

    private static (string Entity, bool[] Keep) Column(Population population, string name, EconomyRegion region, Func<double, bool>? match)
    {
        if (!population.TryGetAuxiliary(name, out var column))
        {
            throw new EconomyComparisonException($"The dataset has no {name} column, which {region.Kind} regions need.");
        }

        var keep = new bool[column.Values.Length];
        for (var i = 0; i < keep.Length; i++)
        {
            keep[i] = match is null ? string.Equals(column.Text(i), region.Code, StringComparison.OrdinalIgnoreCase) : match(column.Values[i]);
        }

        return (column.Entity, keep);
    }

    /// <summary><c>CA-12</c> → 612 (state FIPS × 100 + district).</summary>
    public static int DistrictGeoid(string code)
    {
        var state = UsGeography.States.First(s => s.Code == code[..2]);
        return UsGeography.DistrictGeoid(state, int.Parse(code[3..], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>612 → <c>CA-12</c>; null when the state FIPS is unknown.</summary>
    public static string? DistrictLabel(int geoid)
    {
        var state = UsGeography.States.FirstOrDefault(s => s.Fips == geoid / 100);
        return state is null ? null : FormattableString.Invariant($"{state.Code}-{geoid % 100:00}");
    }

    /// <summary>
    /// Households grouped by a household-level code column; for each group Σw, Σw·baseline,
    /// Σw·reform and the person-weighted share of winners, losers and unchanged.
    /// </summary>
    private sealed class Group
    {
        public double Weight { get; set; }
        public double Baseline { get; set; }
        public double Reform { get; set; }
        public double People { get; set; }
        public double Winners { get; set; }
        public double Losers { get; set; }

        public void Add(double weight, double people, double baseline, double reform)
        {
            Weight += weight;
            Baseline += weight * baseline;
            Reform += weight * reform;
            People += people;
            var outcome = EconomyStatistics.Outcome(EconomyStatistics.RelativeChange(baseline, reform));
            Winners += outcome > 2 ? people : 0;
            Losers += outcome < 2 ? people : 0;
        }

        public double Average => EconomyStatistics.Ratio(Reform - Baseline, Weight);

        public double Relative => Baseline == 0 ? 0 : (Reform / Baseline) - 1;
    }

    private static SortedDictionary<TKey, Group>? Groups<TKey>(
        Population population, string name, Func<AuxiliaryColumn, int, TKey?> key, IComparer<TKey> order,
        EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform)
        where TKey : notnull
    {
        if (!population.TryGetAuxiliary(name, out var column) || column.Entity != EconomyConcepts.Household)
        {
            return null;
        }

        var groups = new SortedDictionary<TKey, Group>(order);
        for (var h = 0; h < column.Values.Length; h++)
        {
            var k = key(column, h);
            if (k is null)
            {
                continue;
            }

            if (!groups.TryGetValue(k, out var group))
            {
                groups[k] = group = new Group();
            }

            group.Add(frame.HouseholdWeight[h], frame.People[h], baseline.NetIncome[h], reform.NetIncome[h]);
        }

        return groups;
    }

    /// <summary>US <c>congressional_district_impact</c>; null when the data has no district column.</summary>
    public static JsonObject? Districts(Population population, EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform)
    {
        var groups = Groups(population, DistrictColumn, (c, h) => c.Values[h] is > 0 and < int.MaxValue ? (int)c.Values[h] : 0, Comparer<int>.Default, frame, baseline, reform);
        if (groups is null)
        {
            return null;
        }

        var districts = new JsonArray();
        foreach (var (geoid, group) in groups)
        {
            if (geoid == 0 || DistrictLabel(geoid) is not { } label || group.Weight == 0)
            {
                continue;
            }

            districts.Add(new JsonObject
            {
                ["district"] = label,
                ["average_household_income_change"] = group.Average,
                ["relative_household_income_change"] = group.Relative,
                ["winner_percentage"] = EconomyStatistics.Ratio(group.Winners, group.People),
                ["loser_percentage"] = EconomyStatistics.Ratio(group.Losers, group.People),
                ["no_change_percentage"] = EconomyStatistics.Ratio(group.People - group.Winners - group.Losers, group.People),
            });
        }

        return new JsonObject { ["districts"] = districts };
    }

    /// <summary>UK <c>constituency_impact</c>; null when the data has no constituency column.</summary>
    public static JsonObject? Constituencies(Population population, EconomyFrame frame, EconomySnapshot baseline, EconomySnapshot reform)
    {
        var groups = Groups(population, ConstituencyColumn, (c, h) => c.Text(h), StringComparer.Ordinal, frame, baseline, reform);
        if (groups is null)
        {
            return null;
        }

        string[] nations = ["uk", "england", "scotland", "wales", "northern_ireland"];
        var counts = nations.ToDictionary(n => n, _ => new int[EconomyStatistics.OutcomeLabels.Length], StringComparer.Ordinal);
        var byConstituency = new JsonObject();
        foreach (var (code, group) in groups.Where(g => g.Value.Weight > 0))
        {
            byConstituency[code] = new JsonObject
            {
                ["average_household_income_change"] = group.Average,
                ["relative_household_income_change"] = group.Relative,
            };
            var band = EconomyStatistics.Outcome(group.Relative);
            counts["uk"][band]++;
            var nation = code.Length == 0 ? null : code[0] switch { 'E' => "england", 'S' => "scotland", 'W' => "wales", 'N' => "northern_ireland", _ => null };
            if (nation is not null)
            {
                counts[nation][band]++;
            }
        }

        var outcomes = new JsonObject();
        foreach (var nation in nations)
        {
            var bands = new JsonObject();
            for (var b = EconomyStatistics.OutcomeLabels.Length - 1; b >= 0; b--)
            {
                bands[EconomyStatistics.OutcomeLabels[b]] = counts[nation][b];
            }

            outcomes[nation] = bands;
        }

        return new JsonObject { ["by_constituency"] = byConstituency, ["outcomes_by_region"] = outcomes };
    }
}
