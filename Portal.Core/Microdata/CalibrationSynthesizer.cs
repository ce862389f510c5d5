namespace Portal.Core.Microdata;

/// <summary>
/// The calibration package for local-area publishing: every household appears once per clone,
/// each (clone, household) pair with its own geography and weight. Rows are clone-major
/// (row = clone * households + household). Weights are raked over all pairs so the weighted
/// population of each state/region still matches its target.
/// </summary>
internal static class CalibrationSynthesizer
{
    public const string Entity = "clone_household";

    public static MicrodataSet Generate(SyntheticOptions options, MicrodataSet national)
    {
        // A different stream from the national file's, derived from the same seed.
        var rng = new FastRandom(options.Seed ^ 0xC10E5EEDUL);
        var households = national.Rows["household"];
        var clones = options.Clones;
        var rows = checked(households * clones);
        var sizes = HouseholdSizes(national);
        var baseWeights = ((DoubleColumn)national["household_weight"]).Values;

        var clone = new int[rows];
        var householdId = new int[rows];
        var weights = new double[rows];
        var contribution = new double[rows];
        var cell = new int[rows];
        var sizeCell = new int[rows];
        for (var c = 0; c < clones; c++)
        {
            for (var h = 0; h < households; h++)
            {
                var i = c * households + h;
                clone[i] = c;
                householdId[i] = h + 1;
                weights[i] = baseWeights[h] / clones;
                contribution[i] = sizes[h];
                sizeCell[i] = sizes[h] - 1;
            }
        }

        List<MicrodataColumn> columns = [new IntColumn("clone", Entity, clone), new IntColumn("household_id", Entity, householdId)];
        double[] targets;
        string marginName;
        if (national.Country == "us")
        {
            var states = UsGeography.States;
            var stateCumulative = FastRandom.Cumulative(states.Select(s => (double)s.Population2020).ToArray());
            var counties = UsGeography.CountySamplers();
            var stateFips = new int[rows];
            var countyFips = new int[rows];
            var district = new int[rows];
            var block = new long[rows];
            for (var i = 0; i < rows; i++)
            {
                var s = i < states.Count ? i : rng.Pick(stateCumulative);
                cell[i] = s;
                stateFips[i] = states[s].Fips;
                district[i] = UsGeography.DistrictGeoid(states[s], 1 + rng.Next(states[s].Districts));
                countyFips[i] = counties[s].Fips[rng.Pick(counties[s].Cumulative)];

                // 15-digit block GEOID: state(2) county(3) tract(6) block(4); tract and block are synthetic.
                block[i] = countyFips[i] * 10_000_000_000L + rng.Next(100, 999_900) * 10_000L + rng.Next(1_000, 4_000);
            }

            columns.Add(new IntColumn("state_fips", Entity, stateFips));
            columns.Add(new IntColumn("county_fips", Entity, countyFips));
            columns.Add(new IntColumn("congressional_district_geoid", Entity, district));
            columns.Add(new LongColumn("block_geoid", Entity, block));
            targets = states.Select(s => (double)s.Population2020).ToArray();
            marginName = "state_population";
        }
        else
        {
            var regions = UkGeography.Regions;
            var regionCumulative = FastRandom.Cumulative(regions.Select(r => (double)r.Population).ToArray());
            var constituency = new int[rows];
            var offset = 0;
            var offsets = regions.Select(r => { var o = offset; offset += r.Constituencies; return o; }).ToArray();
            for (var i = 0; i < rows; i++)
            {
                var r = i < regions.Count ? i : rng.Pick(regionCumulative);
                cell[i] = r;
                constituency[i] = offsets[r] + rng.Next(regions[r].Constituencies);
            }

            columns.Add(new CategoryColumn("region", Entity, UkGeography.RegionCodes, (int[])cell.Clone()));
            columns.Add(new CategoryColumn("constituency_code", Entity, UkGeography.ConstituencyCodes.SelectMany(c => c).ToArray(), constituency));
            targets = regions.Select(r => (double)r.Population).ToArray();
            marginName = "region_population";
        }

        // The size margin keeps the national household-size mix; its targets come from the national weights.
        var sizeTargets = new double[sizes.Max()];
        for (var h = 0; h < households; h++)
        {
            sizeTargets[sizes[h] - 1] += baseWeights[h];
        }

        var report = Raking.Rake(weights,
        [
            new RakingMargin("household_size", sizeCell, null, sizeTargets),
            new RakingMargin(marginName, cell, contribution, targets),
        ]);
        columns.Add(new DoubleColumn("weight", Entity, weights));
        return new MicrodataSet(national.Country, national.Period, new Dictionary<string, int> { [Entity] = rows }, columns, report);
    }

    private static int[] HouseholdSizes(MicrodataSet national)
    {
        var sizes = new int[national.Rows["household"]];
        foreach (var id in ((IntColumn)national["person_household_id"]).Values)
        {
            sizes[id - 1]++;
        }

        return sizes;
    }
}
