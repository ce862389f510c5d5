namespace Portal.Core.Microdata;

/// <summary>UK households made of benefit units (a single adult or couple plus dependent children); region and constituency.</summary>
internal static class UkSynthesizer
{
    /// <summary>Household size 1–6 (6 = 6+), ONS Families and Households 2021 shares (rounded).</summary>
    internal static readonly double[] SizeShares = [0.30, 0.34, 0.16, 0.13, 0.05, 0.02];

    public static MicrodataSet Generate(SyntheticOptions options)
    {
        var rng = new FastRandom(options.Seed);
        var regions = UkGeography.Regions;
        var regionCumulative = FastRandom.Cumulative(regions.Select(r => (double)r.Population).ToArray());
        var sizeCumulative = FastRandom.Cumulative(SizeShares);
        var constituencyCategories = UkGeography.ConstituencyCodes.SelectMany(c => c).ToArray();
        var constituencyOffsets = new int[regions.Count];
        for (var r = 1; r < regions.Count; r++)
        {
            constituencyOffsets[r] = constituencyOffsets[r - 1] + regions[r - 1].Constituencies;
        }

        var n = options.Households;
        var hhRegion = new int[n];
        var hhConstituency = new int[n];
        var hhSize = new int[n];
        var people = new PersonRows(n * 3);
        var benunit = new List<int>(n * 3);
        var adult = new List<bool>(n * 3);
        var benunits = 0;

        for (var h = 0; h < n; h++)
        {
            var r = h < regions.Count ? h : rng.Pick(regionCumulative);
            hhRegion[h] = r;

            // Constituencies have near-equal electorates, so a uniform draw within the region is proportional.
            hhConstituency[h] = constituencyOffsets[r] + rng.Next(regions[r].Constituencies);
            var size = 1 + rng.Pick(sizeCumulative);
            hhSize[h] = size;
            var headAge = SyntheticGenerator.AdultAge(rng);
            var couple = size >= 2 && rng.Chance(size == 2 ? 0.62 : 0.72);
            var headMale = rng.Chance(0.5);

            var unit = benunits++;
            AddPerson(rng, people, headAge, headMale, h);
            benunit.Add(unit); adult.Add(true);
            if (couple)
            {
                AddPerson(rng, people, Math.Clamp(headAge + (int)Math.Round(rng.NextNormal() * 4), 18, 95), rng.Chance(0.97) ? !headMale : headMale, h);
                benunit.Add(unit); adult.Add(true);
            }

            for (var k = couple ? 2 : 1; k < size; k++)
            {
                var youngestParent = headAge - 16;
                if (headAge < 62 && youngestParent > 0 && rng.Chance(0.85))
                {
                    AddPerson(rng, people, rng.Next(Math.Min(18, youngestParent)), rng.Chance(0.51), h);
                    benunit.Add(unit); adult.Add(false);
                }
                else
                {
                    // Non-dependent adults (grown children, lodgers) are their own benefit unit.
                    AddPerson(rng, people, SyntheticGenerator.AdultAge(rng), rng.Chance(0.5), h);
                    benunit.Add(benunits++); adult.Add(true);
                }
            }
        }

        var personCount = people.Count;
        var weights = new double[n];
        Array.Fill(weights, (double)UkGeography.TotalPopulation / personCount);
        var report = Raking.Rake(weights,
        [
            SyntheticGenerator.SizeMargin(hhSize, SizeShares, UkGeography.TotalPopulation),
            new RakingMargin("region_population", hhRegion, SyntheticGenerator.ToDoubles(hhSize), regions.Select(x => (double)x.Population).ToArray()),
        ]);

        var isAdult = adult.ToArray();
        var isChild = new bool[isAdult.Length];
        for (var i = 0; i < isChild.Length; i++)
        {
            isChild[i] = !isAdult[i];
        }

        var columns = new List<MicrodataColumn>
        {
            new IntColumn("person_id", "person", UsSynthesizer.Sequence(personCount)),
            new IntColumn("benunit_id", "benunit", UsSynthesizer.Sequence(benunits)),
            new IntColumn("household_id", "household", UsSynthesizer.Sequence(n)),
            new IntColumn("person_benunit_id", "person", UsSynthesizer.PlusOne(benunit.ToArray())),
            new IntColumn("person_household_id", "person", UsSynthesizer.PlusOne(people.Household.ToArray())),
            new BoolColumn("is_benunit_adult", "person", isAdult),
            new BoolColumn("is_benunit_child", "person", isChild),
            new IntColumn("age", "person", people.Age.ToArray()),
            new BoolColumn("is_male", "person", people.IsMale.ToArray()),
            new DoubleColumn("employment_income", "person", people.Employment.ToArray()),
            new DoubleColumn("self_employment_income", "person", people.SelfEmployment.ToArray()),
            new DoubleColumn("household_weight", "household", weights),
            new CategoryColumn("region", "household", UkGeography.RegionCodes, hhRegion),
            new CategoryColumn("constituency_code", "household", constituencyCategories, hhConstituency),
        };
        var rows = new Dictionary<string, int> { ["person"] = personCount, ["benunit"] = benunits, ["household"] = n };
        return new MicrodataSet("uk", options.Period, rows, columns, report);
    }

    private static void AddPerson(FastRandom rng, PersonRows people, int age, bool male, int household)
    {
        var (employment, self) = Incomes(rng, age);
        people.Add(age, male, employment, self, household);
    }

    /// <summary>UK earnings: lognormal (median £28k) for ~75% of working-age adults, Pareto(α=1.8) tail above £150k.</summary>
    private static (double, double) Incomes(FastRandom rng, int age)
    {
        var employment = 0.0;
        if (age is >= 16 and < 66 && rng.Chance(age < 18 ? 0.1 : 0.75))
        {
            employment = age < 18 ? rng.LogNormal(3_000, 0.7) : rng.Chance(0.012) ? rng.Pareto(150_000, 1.8) : rng.LogNormal(28_000, 0.8);
        }
        else if (age >= 66 && rng.Chance(0.1))
        {
            employment = rng.LogNormal(15_000, 0.9);
        }

        var self = age >= 18 && rng.Chance(0.1) ? (rng.Chance(0.04) ? rng.Pareto(120_000, 1.6) : rng.LogNormal(15_000, 1.1)) : 0.0;
        return (SyntheticGenerator.Round2(employment), SyntheticGenerator.Round2(self));
    }
}
