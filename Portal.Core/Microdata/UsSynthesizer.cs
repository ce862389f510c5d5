namespace Portal.Core.Microdata;

/// <summary>US households: tax units, SPM units, families, marital units; incomes; state/district/county.</summary>
internal static class UsSynthesizer
{
    /// <summary>Household size 1–7 (7 = 7+), ACS 2021 shares of households (table B11016, rounded).</summary>
    internal static readonly double[] SizeShares = [0.28, 0.345, 0.155, 0.125, 0.058, 0.023, 0.014];

    public static MicrodataSet Generate(SyntheticOptions options)
    {
        var rng = new FastRandom(options.Seed);
        var states = UsGeography.States;
        var stateCumulative = FastRandom.Cumulative(states.Select(s => (double)s.Population2020).ToArray());
        var counties = UsGeography.CountySamplers();
        var sizeCumulative = FastRandom.Cumulative(SizeShares);
        var n = options.Households;

        var hhState = new int[n];
        var hhCounty = new int[n];
        var hhDistrict = new int[n];
        var hhSize = new int[n];
        var people = new PersonRows(n * 3);
        var taxUnit = new List<int>(n * 3);
        var marital = new List<int>(n * 3);
        var head = new List<bool>(n * 3);
        var spouse = new List<bool>(n * 3);
        var dependent = new List<bool>(n * 3);
        int taxUnits = 0, maritalUnits = 0;

        for (var h = 0; h < n; h++)
        {
            // The first households cover every state once, so raking never meets an empty state.
            var s = h < states.Count ? h : rng.Pick(stateCumulative);
            var state = states[s];
            hhState[h] = s;
            hhDistrict[h] = UsGeography.DistrictGeoid(state, 1 + rng.Next(state.Districts));
            var (countyFips, countyCumulative) = counties[s];
            hhCounty[h] = countyFips[rng.Pick(countyCumulative)];

            var size = 1 + rng.Pick(sizeCumulative);
            hhSize[h] = size;
            var headAge = SyntheticGenerator.AdultAge(rng);
            var couple = size >= 2 && rng.Chance(size == 2 ? 0.6 : 0.75);
            var headMale = rng.Chance(0.5);

            var unit = taxUnits++;
            var mu = maritalUnits++;
            AddPerson(rng, people, headAge, headMale, h);
            taxUnit.Add(unit); marital.Add(mu); head.Add(true); spouse.Add(false); dependent.Add(false);
            if (couple)
            {
                var spouseAge = Math.Clamp(headAge + (int)Math.Round(rng.NextNormal() * 4), 18, 95);
                AddPerson(rng, people, spouseAge, rng.Chance(0.97) ? !headMale : headMale, h);
                taxUnit.Add(unit); marital.Add(mu); head.Add(false); spouse.Add(true); dependent.Add(false);
            }

            for (var k = couple ? 2 : 1; k < size; k++)
            {
                var youngestParent = headAge - 16;
                if (headAge < 62 && youngestParent > 0 && rng.Chance(0.85))
                {
                    // A child of the head: a dependent in the head's tax unit, own marital unit.
                    AddPerson(rng, people, rng.Next(Math.Min(18, youngestParent)), rng.Chance(0.51), h);
                    taxUnit.Add(unit); marital.Add(maritalUnits++); head.Add(false); spouse.Add(false); dependent.Add(true);
                }
                else
                {
                    // Another adult (grown child, parent, lodger): files their own return.
                    AddPerson(rng, people, SyntheticGenerator.AdultAge(rng), rng.Chance(0.5), h);
                    taxUnit.Add(taxUnits++); marital.Add(maritalUnits++); head.Add(true); spouse.Add(false); dependent.Add(false);
                }
            }
        }

        var personCount = people.Count;
        var weights = new double[n];
        Array.Fill(weights, (double)UsGeography.TotalPopulation2020 / personCount);
        var sizes = SyntheticGenerator.ToDoubles(hhSize);
        var report = Raking.Rake(weights,
        [
            SyntheticGenerator.SizeMargin(hhSize, SizeShares, UsGeography.TotalPopulation2020),
            new RakingMargin("state_population", hhState, sizes, states.Select(st => (double)st.Population2020).ToArray()),
        ]);

        var personHousehold = people.Household.ToArray();
        var stateFips = new int[n];
        for (var h = 0; h < n; h++)
        {
            stateFips[h] = states[hhState[h]].Fips;
        }

        // One SPM unit and one family per household: the generator creates related households only.
        var columns = new List<MicrodataColumn>
        {
            new IntColumn("person_id", "person", Sequence(personCount)),
            new IntColumn("household_id", "household", Sequence(n)),
            new IntColumn("tax_unit_id", "tax_unit", Sequence(taxUnits)),
            new IntColumn("spm_unit_id", "spm_unit", Sequence(n)),
            new IntColumn("family_id", "family", Sequence(n)),
            new IntColumn("marital_unit_id", "marital_unit", Sequence(maritalUnits)),
            new IntColumn("person_household_id", "person", PlusOne(personHousehold)),
            new IntColumn("person_tax_unit_id", "person", PlusOne(taxUnit.ToArray())),
            new IntColumn("person_spm_unit_id", "person", PlusOne(personHousehold)),
            new IntColumn("person_family_id", "person", PlusOne(personHousehold)),
            new IntColumn("person_marital_unit_id", "person", PlusOne(marital.ToArray())),
            new BoolColumn("is_tax_unit_head", "person", head.ToArray()),
            new BoolColumn("is_tax_unit_spouse", "person", spouse.ToArray()),
            new BoolColumn("is_tax_unit_dependent", "person", dependent.ToArray()),
            new IntColumn("age", "person", people.Age.ToArray()),
            new BoolColumn("is_male", "person", people.IsMale.ToArray()),
            new DoubleColumn("employment_income", "person", people.Employment.ToArray()),
            new DoubleColumn("self_employment_income", "person", people.SelfEmployment.ToArray()),
            new DoubleColumn("household_weight", "household", weights),
            new CategoryColumn("state_code", "household", UsGeography.StateCodes, hhState),
            new IntColumn("state_fips", "household", stateFips),
            new IntColumn("county_fips", "household", hhCounty),
            new IntColumn("congressional_district_geoid", "household", hhDistrict),
        };
        var rows = new Dictionary<string, int>
        {
            ["person"] = personCount,
            ["household"] = n,
            ["tax_unit"] = taxUnits,
            ["spm_unit"] = n,
            ["family"] = n,
            ["marital_unit"] = maritalUnits,
        };
        return new MicrodataSet("us", options.Period, rows, columns, report);
    }

    private static void AddPerson(FastRandom rng, PersonRows people, int age, bool male, int household)
    {
        var (employment, self) = Incomes(rng, age);
        people.Add(age, male, employment, self, household);
    }

    /// <summary>
    /// Earnings: about a quarter of working-age adults and most pensioners earn nothing; earners'
    /// wages are lognormal (median $42k) with a Pareto(α=1.7) tail above $250k for ~1.2%.
    /// </summary>
    internal static (double Employment, double SelfEmployment) Incomes(FastRandom rng, int age)
    {
        var employment = 0.0;
        if (age is >= 16 and < 18 && rng.Chance(0.15))
        {
            employment = rng.LogNormal(4_000, 0.8);
        }
        else if (age is >= 18 and < 65 && rng.Chance(0.74))
        {
            employment = rng.Chance(0.012) ? rng.Pareto(250_000, 1.7) : rng.LogNormal(42_000, 0.85);
        }
        else if (age >= 65 && rng.Chance(0.2))
        {
            employment = rng.LogNormal(30_000, 0.9);
        }

        var self = 0.0;
        if (age >= 18 && rng.Chance(0.09))
        {
            self = rng.Chance(0.05) ? rng.Pareto(200_000, 1.5) : rng.LogNormal(18_000, 1.1);
        }

        return (SyntheticGenerator.Round2(employment), SyntheticGenerator.Round2(self));
    }

    internal static int[] Sequence(int count)
    {
        var ids = new int[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = i + 1;
        }

        return ids;
    }

    internal static int[] PlusOne(int[] indices)
    {
        var ids = new int[indices.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = indices[i] + 1;
        }

        return ids;
    }
}
