namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// The calibration package as arrays, one entry per (clone, household) cell in the package's
/// clone-major row order: clone index, the dataset row of the household, the cell weight and every
/// geography field. This is the exact geography published; nothing here is ever re-drawn from a seed.
/// </summary>
public sealed class CalibrationCells
{
    public CalibrationCells(int[] clone, int[] household, double[] weight, IReadOnlyList<GeographyField> geography)
    {
        if (clone.Length != household.Length || clone.Length != weight.Length || geography.Any(g => g.Codes.Length != clone.Length))
        {
            throw new ArgumentException("Calibration columns differ in length.");
        }

        Clone = clone;
        Household = household;
        Weight = weight;
        Geography = geography.ToDictionary(g => g.Name, StringComparer.Ordinal);
        NClones = clone.Length == 0 ? 0 : clone.Max() + 1;
    }

    public int[] Clone { get; }

    /// <summary>Row of the household in the source dataset (not its id).</summary>
    public int[] Household { get; }

    public double[] Weight { get; }

    public IReadOnlyDictionary<string, GeographyField> Geography { get; }

    public int Count => Clone.Length;

    public int NClones { get; }

    public GeographyField Field(string name) => Geography.TryGetValue(name, out var f)
        ? f
        : throw new ArgumentException($"Unknown geography field '{name}'; the calibration package has: {string.Join(", ", Geography.Keys.Order(StringComparer.Ordinal))}.");
}
