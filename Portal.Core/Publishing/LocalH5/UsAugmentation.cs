using Portal.Core.Microdata;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// US-only additions to an area payload. Geography: each output household gets the exact geography of
/// its clone cell (<c>state_fips</c>, <c>state_code</c>, <c>county_fips</c>, <c>congressional_district_geoid</c>,
/// <c>block_geoid</c>) from the calibration package. Per-clone derived inputs, recomputed deterministically
/// from (seed, original household id, clone index, district) so every area file that contains a cell
/// agrees on its values: <c>spm_unit_spm_threshold</c> (SPM three-parameter equivalence scale × a district
/// geographic adjustment) and <c>takes_up_snap_if_eligible</c>.
/// </summary>
public static class UsAugmentation
{
    /// <summary>SPM threshold for renters with two adults and two children (BLS, 2023: $37,482), the scale's reference unit.</summary>
    public const double ReferenceThreshold = 37_482;

    public const double SnapTakeUpRate = 0.82;

    public static IReadOnlyList<string> GeographyVariables { get; } = ["state_fips", "county_fips", "congressional_district_geoid", "block_geoid"];

    /// <summary>Variables this service writes (the cloner must not copy the source's).</summary>
    public static IReadOnlyList<string> WrittenVariables { get; } = [.. GeographyVariables, "state_code", "spm_unit_spm_threshold", "takes_up_snap_if_eligible"];

    /// <param name="sourceHouseholdIds">The dataset's household ids by row (the seed of per-cell draws).</param>
    public static void Apply(H5Payload payload, CloneSelection selection, CalibrationCells cells, ReindexedEntities reindexed, long[] sourceHouseholdIds, long seed)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(selection);
        GeographyColumns.Write(payload, selection, cells, GeographyVariables);
        if (cells.Geography.TryGetValue("state_fips", out var state))
        {
            var code = new int[selection.Count];
            var byFips = UsGeography.States.Select((s, i) => (s.Fips, i)).ToDictionary(x => (long)x.Fips, x => x.i);
            for (var i = 0; i < code.Length; i++)
            {
                code[i] = byFips.TryGetValue(state.Codes[selection.Rows[i]], out var s) ? s : throw new InvalidDataException($"Unknown state FIPS {state.Codes[selection.Rows[i]]}.");
            }

            payload.Set(new CategoryColumn("state_code", "household", UsGeography.StateCodes, code));
        }

        if (reindexed.EntitySource.TryGetValue("spm_unit", out var spmSource) && payload.Has("age") && payload["age"] is IntColumn age)
        {
            cells.Geography.TryGetValue("congressional_district_geoid", out var district);
            var personSpm = reindexed.PersonEntity["spm_unit"];
            var adults = new int[spmSource.Length];
            var children = new int[spmSource.Length];
            var household = new int[spmSource.Length];
            for (var p = 0; p < personSpm.Length; p++)
            {
                var u = personSpm[p];
                if (age.Values[p] >= 18)
                {
                    adults[u]++;
                }
                else
                {
                    children[u]++;
                }

                household[u] = reindexed.PersonHousehold[p];
            }

            var threshold = new double[spmSource.Length];
            var takeUp = new bool[spmSource.Length];
            for (var u = 0; u < threshold.Length; u++)
            {
                var k = household[u];
                var cell = selection.Rows[k];
                var geoid = district?.Codes[cell] ?? 0;
                threshold[u] = Math.Round(ReferenceThreshold * Scale(adults[u], children[u]) / Scale(2, 2) * GeoAdjustment(geoid), 2);
                takeUp[u] = Unit(seed, sourceHouseholdIds[selection.HouseholdIndex[k]], selection.CloneIndex[k], spmSource[u]) < SnapTakeUpRate;
            }

            payload.Set(new DoubleColumn("spm_unit_spm_threshold", "spm_unit", threshold));
            payload.Set(new BoolColumn("takes_up_snap_if_eligible", "spm_unit", takeUp));
        }
    }

    /// <summary>The SPM three-parameter equivalence scale (Betson): single adults 1, couples 1.41, single parents (A + 0.8 + 0.5(C−1))^0.7, others (A + 0.5C)^0.7.</summary>
    public static double Scale(int adults, int children)
    {
        if (children == 0)
        {
            return adults <= 1 ? 1 : adults == 2 ? 1.41 : Math.Pow(adults, 0.7);
        }

        return adults <= 1 ? Math.Pow(1 + 0.8 + 0.5 * (children - 1), 0.7) : Math.Pow(adults + 0.5 * children, 0.7);
    }

    /// <summary>A stand-in for the district's housing-cost index: deterministic in [0.8, 1.3) per geoid.</summary>
    public static double GeoAdjustment(long districtGeoid) => 0.8 + 0.5 * Unit(0x5EED_6E0A, districtGeoid, 0, 0);

    /// <summary>A uniform draw in [0, 1) that depends only on its inputs (SplitMix64 over the mixed values).</summary>
    public static double Unit(long seed, long a, long b, long c)
    {
        var x = (ulong)seed;
        foreach (var v in new[] { a, b, c })
        {
            x = Mix(x ^ Mix((ulong)v + 0x9E3779B97F4A7C15UL));
        }

        return (x >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Writes calibration geography fields as household variables of the payload (the cell's own codes).</summary>
public static class GeographyColumns
{
    public static void Write(H5Payload payload, CloneSelection selection, CalibrationCells cells, IEnumerable<string> fields)
    {
        foreach (var name in fields)
        {
            if (!cells.Geography.TryGetValue(name, out var field))
            {
                continue;
            }

            var codes = VariableCloner.Gather(field.Codes, selection.Rows);
            MicrodataColumn column = field.Categories is { } categories
                ? new CategoryColumn(name, "household", categories, Array.ConvertAll(codes, c => (int)c))
                : codes.All(c => c is >= int.MinValue and <= int.MaxValue)
                    ? new IntColumn(name, "household", Array.ConvertAll(codes, c => (int)c))
                    : new LongColumn(name, "household", codes);
            payload.Set(column);
        }
    }
}
