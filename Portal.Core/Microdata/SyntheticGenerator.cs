namespace Portal.Core.Microdata;

/// <summary>What to generate. The same options always produce the same population, byte for byte.</summary>
public sealed record SyntheticOptions(string Country, int Households, ulong Seed, int Period = 2024, int Clones = 0)
{
    public const int MinHouseholds = 100;
    public const int MaxHouseholds = 5_000_000;
    public const int MaxClones = 100;
    public static readonly string[] Countries = ["us", "uk"];
}

/// <summary>
/// Deterministic synthetic microdata (no real survey data can be downloaded here): realistic
/// household structures, skewed incomes and geography, raked so weighted state/region
/// populations hit their census targets. See docs/data-releases.md for the distributions.
/// </summary>
public static class SyntheticGenerator
{
    /// <summary>Raking must bring every state/region within this relative deviation of its target.</summary>
    public const double MaxAllowedDeviation = 0.005;

    public static MicrodataSet Generate(SyntheticOptions options)
    {
        Validate(options);
        var set = options.Country == "us" ? UsSynthesizer.Generate(options) : UkSynthesizer.Generate(options);
        var deviation = PopulationDeviation(set.Raking);
        if (deviation > MaxAllowedDeviation)
        {
            throw new InvalidOperationException($"Raking left a population deviation of {deviation:P3} (limit {MaxAllowedDeviation:P1}).");
        }

        return set;
    }

    /// <summary>
    /// <c>n_clones</c> copies of each household with a fresh geography per (clone, household) and
    /// a weight per pair, raked to the same population targets as the national file.
    /// </summary>
    public static MicrodataSet GenerateCalibration(SyntheticOptions options, MicrodataSet national)
    {
        Validate(options);
        if (options.Clones < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "A calibration package needs at least one clone.");
        }

        return CalibrationSynthesizer.Generate(options, national);
    }

    private static void Validate(SyntheticOptions options)
    {
        if (!SyntheticOptions.Countries.Contains(options.Country))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Unknown country '{options.Country}'.");
        }

        if (options.Households is < SyntheticOptions.MinHouseholds or > SyntheticOptions.MaxHouseholds)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Households must be {SyntheticOptions.MinHouseholds}–{SyntheticOptions.MaxHouseholds}.");
        }

        if (options.Clones is < 0 or > SyntheticOptions.MaxClones)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Clones must be 0–{SyntheticOptions.MaxClones}.");
        }
    }

    /// <summary>The deviation that matters for acceptance: weighted state (US) or region (UK) population vs. census.</summary>
    public static double PopulationDeviation(RakingReport report) =>
        report.MaxRelativeDeviation.Where(m => m.Key.EndsWith("_population", StringComparison.Ordinal)).Select(m => m.Value).DefaultIfEmpty(0).Max();

    /// <summary>Household-size raking margin whose implied population equals <paramref name="population"/>.</summary>
    internal static RakingMargin SizeMargin(int[] sizes, double[] shares, double population)
    {
        // Small samples may miss a size class; spread its share over the classes present so the
        // margin stays consistent with the population total (raking then converges).
        shares = (double[])shares.Clone();
        var present = new bool[shares.Length];
        foreach (var size in sizes)
        {
            if (size >= 1 && size <= shares.Length)
            {
                present[size - 1] = true;
            }
        }

        for (var k = 0; k < shares.Length; k++)
        {
            if (!present[k])
            {
                shares[k] = 0;
            }
        }

        var total = shares.Sum();
        var meanSize = 0.0;
        for (var k = 0; k < shares.Length; k++)
        {
            shares[k] /= total;
            meanSize += (k + 1) * shares[k];
        }

        var households = population / meanSize;
        var cells = new int[sizes.Length];
        for (var i = 0; i < sizes.Length; i++)
        {
            cells[i] = sizes[i] - 1;
        }

        return new RakingMargin("household_size", cells, null, shares.Select(s => s * households).ToArray());
    }

    internal static double[] ToDoubles(int[] values)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>Age of a household reference person (18–90), roughly the US/UK adult age profile.</summary>
    internal static int AdultAge(FastRandom rng)
    {
        ReadOnlySpan<double> bands = [0.12, 0.30, 0.47, 0.63, 0.79, 0.91, 1.0];
        ReadOnlySpan<int> starts = [18, 25, 35, 45, 55, 65, 75];
        ReadOnlySpan<int> widths = [7, 10, 10, 10, 10, 10, 16];
        var band = rng.Pick(bands);
        return starts[band] + rng.Next(widths[band]);
    }

    internal static double Round2(double x) => Math.Round(x, 2, MidpointRounding.ToEven);
}

/// <summary>Growable typed buffers for person rows (no boxing, one array per variable).</summary>
internal sealed class PersonRows(int capacity)
{
    public List<int> Age { get; } = new(capacity);
    public List<bool> IsMale { get; } = new(capacity);
    public List<double> Employment { get; } = new(capacity);
    public List<double> SelfEmployment { get; } = new(capacity);
    public List<int> Household { get; } = new(capacity);

    public int Count => Age.Count;

    public void Add(int age, bool male, double employment, double selfEmployment, int household)
    {
        Age.Add(age);
        IsMale.Add(male);
        Employment.Add(employment);
        SelfEmployment.Add(selfEmployment);
        Household.Add(household);
    }
}
