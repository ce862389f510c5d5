using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;

namespace Portal.Core.Features.DataReleases;

public sealed record HistogramBin(double From, double To, long Count);

/// <summary>A numeric variable's distribution: equal-width bins between min and max (zeros counted separately, they dominate incomes).</summary>
public sealed record VariableHistogram(IReadOnlyList<HistogramBin> Bins, long Zeros, double Min, double Max, double Mean);

public sealed record SelectedVariable(string Path, string DataType, IReadOnlyList<long> Shape, IReadOnlyList<string> FirstRows, VariableHistogram? Histogram);

/// <param name="VariableProblem">Set when the chosen variable is not a dataset of the file: the tree is still shown, with the message.</param>
public sealed record DatasetBrowse(DatasetSummary Dataset, IReadOnlyList<H5TreeEntry> Tree, SelectedVariable? Selected, Problem? VariableProblem = null);

/// <summary>
/// The H5 browser: the tree of one stored artifact, and for a chosen dataset its first rows and
/// (numeric) a histogram. Reads only what it shows; a corrupt file becomes a readable problem.
/// </summary>
public sealed class BrowseDatasetHandler(GetDatasetHandler get, IArtifactStore store)
{
    public const int FirstRows = 20;
    public const int Bins = 30;

    public async Task<Result<DatasetBrowse>> HandleAsync(long id, string? variable, CancellationToken ct = default)
    {
        var dataset = await get.HandleAsync(id, ct);
        if (!dataset.Succeeded)
        {
            return dataset.Problem!;
        }

        await using var stream = store.OpenRead(dataset.Value!.Sha256);
        if (stream is null)
        {
            return Problem.NotFound($"The stored file of dataset {id}");
        }

        try
        {
            using var file = H5File.Open(stream, leaveOpen: true);
            var tree = H5Tree.List(file, limit: 2_000);
            if (string.IsNullOrWhiteSpace(variable))
            {
                return new DatasetBrowse(dataset.Value, tree, null);
            }

            var path = "/" + variable.Trim().TrimStart('/');
            if (!tree.Any(e => !e.IsGroup && e.Path == path))
            {
                return new DatasetBrowse(dataset.Value, tree, null, Problem.Invalid("variable", $"'{path}' is not a dataset in this file."));
            }

            return new DatasetBrowse(dataset.Value, tree, Select(file.Root.GetDataset(path)));
        }
        catch (Hdf5FormatException e)
        {
            return Problem.Conflict($"Dataset {id} is not a readable HDF5 file: {e.Message}");
        }
    }

    private static SelectedVariable Select(H5Dataset dataset)
    {
        var count = (int)Math.Min(FirstRows, dataset.Length);
        string[] first;
        VariableHistogram? histogram = null;
        if (dataset.DataType.Kind == H5TypeKind.String)
        {
            first = dataset.ReadStrings().Take(count).ToArray();
        }
        else if (dataset.DataType.Kind is H5TypeKind.Integer or H5TypeKind.Float)
        {
            var values = dataset.ReadAsDouble();
            first = values.Take(count).Select(v => v.ToString("G", CultureInfo.InvariantCulture)).ToArray();
            histogram = Histogram(values);
        }
        else
        {
            first = [];
        }

        return new SelectedVariable(dataset.Path, dataset.DataType.ToString(), dataset.Shape, first, histogram);
    }

    public static VariableHistogram? Histogram(ReadOnlySpan<double> values)
    {
        if (values.Length == 0)
        {
            return null;
        }

        double min = double.MaxValue, max = double.MinValue, sum = 0;
        long zeros = 0, finite = 0;
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                continue;
            }

            finite++;
            sum += v;
            if (v == 0)
            {
                zeros++;
                continue;
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        if (finite == 0)
        {
            return null;
        }

        var counts = new long[Bins];
        if (finite > zeros)
        {
            var width = (max - min) / Bins;
            foreach (var v in values)
            {
                if (double.IsFinite(v) && v != 0)
                {
                    counts[width == 0 ? 0 : Math.Min(Bins - 1, (int)((v - min) / width))]++;
                }
            }

            var bins = Enumerable.Range(0, Bins).Select(i => new HistogramBin(min + i * width, min + (i + 1) * width, counts[i])).Where(b => width > 0 || b.Count > 0).ToList();
            return new VariableHistogram(bins, zeros, Math.Min(min, zeros > 0 ? 0 : min), Math.Max(max, zeros > 0 ? 0 : max), sum / finite);
        }

        return new VariableHistogram([], zeros, 0, 0, 0);
    }
}
