using System.Diagnostics;
using System.Globalization;
using Portal.Core.Microdata;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>Thrown when an area cannot be built at all (e.g. no clone cells match its filters).</summary>
public sealed class AreaBuildException(string message) : Exception(message);

/// <summary>
/// One area → payload: select the clone cells (weight &gt; 0, filters) → reindex entities → clone every
/// variable → household weights from the cells → geography and (US) per-clone derived inputs.
/// Time per phase is recorded on the payload.
/// </summary>
public sealed class AreaH5Builder
{
    public const string FileFormat = "portal-local-h5/1";

    public H5Payload Build(AreaBuildRequest area, SourceSnapshot source)
    {
        ArgumentNullException.ThrowIfNull(area);
        ArgumentNullException.ThrowIfNull(source);
        var clock = Stopwatch.StartNew();
        var selection = AreaSelector.Select(source.Cells, area.Filters);
        if (selection.IsEmpty)
        {
            throw new AreaBuildException($"No clone cells with weight > 0 match the filters of {area.Key}.");
        }

        var selected = clock.Elapsed;
        var reindexed = EntityReindexer.Reindex(source.Graph, selection.HouseholdIndex);
        var reindexedAt = clock.Elapsed;

        var us = source.Country == "us";
        var skip = new HashSet<string>(source.Cells.Geography.Keys, StringComparer.Ordinal) { "household_weight" };
        if (us)
        {
            skip.UnionWith(UsAugmentation.WrittenVariables);
        }

        var payload = VariableCloner.Clone(source.Country, source.Period, source.Variables.Select(source.Column), reindexed, skip);
        payload.Set(new DoubleColumn("household_weight", "household", selection.Weights));
        var clonedAt = clock.Elapsed;
        if (us)
        {
            UsAugmentation.Apply(payload, selection, source.Cells, reindexed, source.HouseholdIds, source.Inputs.Seed);
        }
        else
        {
            GeographyColumns.Write(payload, selection, source.Cells, source.Cells.Geography.Keys.Order(StringComparer.Ordinal));
        }

        payload.PhaseSeconds["selection"] = selected.TotalSeconds;
        payload.PhaseSeconds["reindexing"] = (reindexedAt - selected).TotalSeconds;
        payload.PhaseSeconds["cloning"] = (clonedAt - reindexedAt).TotalSeconds;
        payload.PhaseSeconds["augmentation"] = (clock.Elapsed - clonedAt).TotalSeconds;

        payload.Attributes["format"] = FileFormat;
        payload.Attributes["area_type"] = area.AreaType;
        payload.Attributes["area_id"] = area.AreaId;
        payload.Attributes["display_name"] = area.DisplayName;
        payload.Attributes["data_release"] = source.Inputs.DataRelease;
        payload.Attributes["dataset_sha256"] = source.Inputs.Dataset.Sha256;
        payload.Attributes["calibration_sha256"] = source.Inputs.CalibrationPackage.Sha256;
        payload.Attributes["geography_checksum"] = source.GeographyChecksum;
        payload.Attributes["n_clones"] = source.NClones.ToString(CultureInfo.InvariantCulture);
        payload.Attributes["clone_cells"] = selection.Count.ToString(CultureInfo.InvariantCulture);
        return payload;
    }
}
