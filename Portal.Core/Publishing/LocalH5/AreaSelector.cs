namespace Portal.Core.Publishing.LocalH5;

/// <summary>The clone cells of one area, in package row order (clone-major), as parallel arrays.</summary>
public sealed record CloneSelection(int[] Rows, int[] CloneIndex, int[] HouseholdIndex, double[] Weights)
{
    public int Count => Rows.Length;

    public bool IsEmpty => Rows.Length == 0;
}

/// <summary>
/// Picks the clone cells with weight &gt; 0 that satisfy every filter. The most selective filter
/// drives (its rows come straight from the field's index); the other filters and the weight are
/// checked on those rows only, so an area costs O(its rows), never a pass over the whole package.
/// </summary>
public static class AreaSelector
{
    public static CloneSelection Select(CalibrationCells cells, IReadOnlyList<AreaFilter> filters)
    {
        var rows = MatchingRows(cells, filters);
        var clone = new int[rows.Length];
        var household = new int[rows.Length];
        var weights = new double[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            clone[i] = cells.Clone[r];
            household[i] = cells.Household[r];
            weights[i] = cells.Weight[r];
        }

        return new CloneSelection(rows, clone, household, weights);
    }

    /// <summary>How many cells <see cref="Select"/> would return (catalog balancing), without copying columns.</summary>
    public static int Count(CalibrationCells cells, IReadOnlyList<AreaFilter> filters) => MatchingRows(cells, filters).Length;

    private static int[] MatchingRows(CalibrationCells cells, IReadOnlyList<AreaFilter> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var resolved = filters.Select(f => Resolve(cells, f)).ToList();
        var weight = cells.Weight;
        if (resolved.Count == 0)
        {
            var all = new List<int>(weight.Length);
            for (var r = 0; r < weight.Length; r++)
            {
                if (weight[r] > 0)
                {
                    all.Add(r);
                }
            }

            return all.ToArray();
        }

        var driver = resolved.MinBy(f => f.Codes.Sum(c => (long)f.Field.RowsWith(c).Length))!;
        int[] candidates;
        if (driver.Codes.Length == 1)
        {
            candidates = driver.Field.RowsWith(driver.Codes[0]);
        }
        else
        {
            candidates = driver.Codes.SelectMany(driver.Field.RowsWith).ToArray();
            Array.Sort(candidates);
        }

        var others = resolved.Where(f => !ReferenceEquals(f, driver)).ToArray();
        var selected = new List<int>(candidates.Length);
        foreach (var r in candidates)
        {
            if (weight[r] > 0 && others.All(f => f.Set.Contains(f.Field.Codes[r])))
            {
                selected.Add(r);
            }
        }

        return selected.ToArray();
    }

    private sealed record Resolved(GeographyField Field, long[] Codes, HashSet<long> Set);

    private static Resolved Resolve(CalibrationCells cells, AreaFilter filter)
    {
        var field = cells.Field(filter.GeographyField);

        // A category the package never uses cannot match: no code, no rows.
        var codes = filter.Values().Select(field.CodeOf).Where(c => c is not null).Select(c => c!.Value).Distinct().ToArray();
        return new Resolved(field, codes, [.. codes]);
    }
}
