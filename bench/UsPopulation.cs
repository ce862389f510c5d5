using Portal.Core.Engine;

namespace Portal.Bench;

/// <summary>
/// A synthetic US population held as plain arrays (persons contiguous per household, one tax unit,
/// SPM unit, family and marital unit per household), fed to the engine through the Population API
/// and read directly by the hand kernel. Deterministic: the same seed gives the same people.
/// </summary>
public sealed class UsPopulation
{
    public required int Persons { get; init; }
    public required int Households { get; init; }
    public required int[] PersonHousehold { get; init; }
    public required int[] HouseholdStart { get; init; } // Households + 1 offsets into the person arrays
    public required int[] Age { get; init; }
    public required double[] Employment { get; init; }
    public required double[] SelfEmployment { get; init; }
    public required double[] Interest { get; init; }
    public required double[] Dividends { get; init; }
    public required double[] Pension { get; init; }
    public required double[] Unemployment { get; init; }
    public required double[] SocialSecurity { get; init; }
    public required string[] State { get; init; }
    public required double[] Weight { get; init; }

    public static UsPopulation Generate(int persons, int seed = 42)
    {
        var random = new Random(seed);
        var personHousehold = new int[persons];
        var starts = new List<int>(persons / 2);
        var age = new int[persons];
        var employment = new double[persons];
        var self = new double[persons];
        var interest = new double[persons];
        var dividends = new double[persons];
        var pension = new double[persons];
        var unemployment = new double[persons];
        var social = new double[persons];
        var p = 0;
        while (p < persons)
        {
            var household = starts.Count;
            starts.Add(p);
            // Sizes 1..5 with mean ≈ 2.5: 1,000,000 people ≈ 400,000 households.
            var roll = random.NextDouble();
            var size = roll < 0.27 ? 1 : roll < 0.58 ? 2 : roll < 0.76 ? 3 : roll < 0.91 ? 4 : 5;
            var adults = size == 1 ? 1 : random.NextDouble() < 0.7 ? 2 : 1;
            for (var k = 0; k < size && p < persons; k++, p++)
            {
                personHousehold[p] = household;
                if (k < adults)
                {
                    var a = 18 + random.Next(70);
                    age[p] = a;
                    var works = a < 67 && random.NextDouble() < 0.8;
                    employment[p] = works ? Math.Round(Math.Exp(10.4 + (0.8 * Normal(random))), 0) : 0;
                    self[p] = random.NextDouble() < 0.1 ? Math.Round(random.NextDouble() * 60_000, 0) : 0;
                    interest[p] = random.NextDouble() < 0.4 ? Math.Round(random.NextDouble() * 3_000, 0) : 0;
                    dividends[p] = random.NextDouble() < 0.2 ? Math.Round(random.NextDouble() * 8_000, 0) : 0;
                    pension[p] = a >= 62 && random.NextDouble() < 0.5 ? Math.Round(random.NextDouble() * 30_000, 0) : 0;
                    social[p] = a >= 62 ? Math.Round(12_000 + (random.NextDouble() * 24_000), 0) : 0;
                    unemployment[p] = !works && a < 62 && random.NextDouble() < 0.2 ? Math.Round(random.NextDouble() * 12_000, 0) : 0;
                }
                else
                {
                    age[p] = random.Next(18);
                }
            }
        }

        var households = starts.Count;
        starts.Add(persons);
        var states = Enumerable.Range(0, households).Select(h => StateCodes[h % StateCodes.Length]).ToArray();
        var weights = Enumerable.Range(0, households).Select(_ => 200 + (random.NextDouble() * 200)).ToArray();
        return new UsPopulation
        {
            Persons = persons, Households = households, PersonHousehold = personHousehold, HouseholdStart = [.. starts],
            Age = age, Employment = employment, SelfEmployment = self, Interest = interest, Dividends = dividends,
            Pension = pension, Unemployment = unemployment, SocialSecurity = social, State = states, Weight = weights,
        };
    }

    /// <summary>The engine's view: every group is one instance per household.</summary>
    public Population ToPopulation(CountryModel model)
    {
        var population = new Population(model, Persons);
        foreach (var group in model.Groups)
        {
            population.SetGroup(group.Key, Households, PersonHousehold);
        }

        population.SetInput("age", Age);
        population.SetInput("employment_income", Employment);
        population.SetInput("self_employment_income", SelfEmployment);
        population.SetInput("interest_income", Interest);
        population.SetInput("dividend_income", Dividends);
        population.SetInput("pension_income", Pension);
        population.SetInput("unemployment_compensation", Unemployment);
        population.SetInput("social_security", SocialSecurity);
        population.SetInput("state_code", State);
        population.SetInput("household_weight", Weight);
        return population;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static readonly string[] StateCodes =
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI",
        "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
        "VA", "WA", "WV", "WI", "WY",
    ];
}
