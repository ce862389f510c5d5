using System.Globalization;
using Portal.Core.Hdf5;

namespace Portal.Core.Microdata;

/// <summary>One group or dataset of an HDF5 file, flattened in depth-first order.</summary>
public sealed record H5TreeEntry(string Path, int Depth, bool IsGroup, string? DataType, IReadOnlyList<long>? Shape, IReadOnlyList<string> Attributes)
{
    public string ShapeText => Shape is null ? "" : "[" + string.Join("×", Shape) + "]";
}

/// <summary>Lists and prints the structure of an HDF5 file (<c>data inspect</c>, the H5 browser).</summary>
public static class H5Tree
{
    /// <summary>Depth-first, members in name order; stops after <paramref name="limit"/> entries so a huge file cannot exhaust memory.</summary>
    public static IReadOnlyList<H5TreeEntry> List(H5File file, int limit = 10_000)
    {
        var entries = new List<H5TreeEntry>();
        Walk(file.Root, 0, entries, limit);
        return entries;
    }

    public static void Print(string path, TextWriter output)
    {
        using var file = H5File.Open(path);
        output.WriteLine($"{path} (superblock v{file.SuperblockVersion})");
        foreach (var e in List(file))
        {
            var indent = new string(' ', e.Depth * 2);
            var attributes = e.Attributes.Count == 0 ? "" : "  {" + string.Join(", ", e.Attributes) + "}";
            output.WriteLine(e.IsGroup
                ? $"{indent}{(e.Path == "/" ? "/" : e.Path[(e.Path.LastIndexOf('/') + 1)..] + "/")}{attributes}"
                : $"{indent}{e.Path[(e.Path.LastIndexOf('/') + 1)..]}  {e.DataType} {e.ShapeText}{attributes}");
        }
    }

    private static void Walk(H5Group group, int depth, List<H5TreeEntry> entries, int limit)
    {
        entries.Add(new H5TreeEntry(group.Path, depth, true, null, null, Attributes(group.Attributes)));
        foreach (var dataset in group.Datasets.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (entries.Count >= limit)
            {
                return;
            }

            entries.Add(new H5TreeEntry(dataset.Path, depth + 1, false, dataset.DataType.ToString(), dataset.Shape, Attributes(dataset.Attributes)));
        }

        foreach (var child in group.Groups.OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            if (entries.Count >= limit)
            {
                return;
            }

            Walk(child, depth + 1, entries, limit);
        }
    }

    private static string[] Attributes(IReadOnlyList<H5Attribute> attributes) =>
        attributes.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Name}={a.AsString()}")).ToArray();
}
