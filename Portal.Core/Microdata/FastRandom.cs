namespace Portal.Core.Microdata;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna, 2018) seeded through splitmix64. Chosen over
/// <see cref="Random"/> because its output is specified by the algorithm, not by the runtime
/// version, so a seed produces the same synthetic population (and the same file bytes) forever.
/// </summary>
public sealed class FastRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    public FastRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive) (Lemire's multiply-shift; bias is below 2^-32 for our sizes).</summary>
    public int Next(int maxExclusive) => (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);

    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Standard normal by the Marsaglia polar method (deterministic: no platform maths beyond log/sqrt).</summary>
    public double NextNormal()
    {
        if (_spareNormal is { } spare)
        {
            _spareNormal = null;
            return spare;
        }

        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * factor;
        return u * factor;
    }

    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * NextNormal());

    /// <summary>Pareto type I: P(X &gt; x) = (minimum / x)^alpha.</summary>
    public double Pareto(double minimum, double alpha) => minimum / Math.Pow(1 - NextDouble(), 1 / alpha);

    /// <summary>Index drawn in proportion to <paramref name="cumulative"/> (a running total, last element = total).</summary>
    public int Pick(ReadOnlySpan<double> cumulative)
    {
        var x = NextDouble() * cumulative[^1];
        var index = cumulative.BinarySearch(x);
        index = index < 0 ? ~index : index + 1;
        return Math.Min(index, cumulative.Length - 1);
    }

    public static double[] Cumulative(ReadOnlySpan<double> weights)
    {
        var result = new double[weights.Length];
        var total = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            total += weights[i];
            result[i] = total;
        }

        return result;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
