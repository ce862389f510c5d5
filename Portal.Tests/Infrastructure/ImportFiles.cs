using System.IO.Compression;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Real microdata files for the import tests, written by <see cref="MicrodataFile.Write"/> from a
/// small synthetic population, and the hostile variants made from them (changed columns, patched
/// bytes). Deterministic: the same call gives the same bytes.
/// </summary>
public static class ImportFiles
{
    public const int Households = 150;

    public static MicrodataSet Population(string country = "us", ulong seed = 7) =>
        SyntheticGenerator.Generate(new SyntheticOptions(country, Households, seed));

    public static byte[] Write(MicrodataSet set, H5Layout? layout = null)
    {
        using var dir = new TempDirectory("import-file");
        var path = dir.File("file.h5");
        MicrodataFile.Write(set, path, periodGroups: true, new Dictionary<string, string> { ["generator"] = "elsewhere" }, layout);
        return File.ReadAllBytes(path);
    }

    public static byte[] Valid(string country = "us", ulong seed = 7) => Write(Population(country, seed));

    /// <summary>The population with its columns changed (replaced, removed or added).</summary>
    public static MicrodataSet WithColumns(MicrodataSet set, Func<IReadOnlyList<MicrodataColumn>, IEnumerable<MicrodataColumn>> change) =>
        new(set.Country, set.Period, set.Rows, change(set.Columns).ToList(), set.Raking);

    public static MicrodataSet Replace(MicrodataSet set, MicrodataColumn column) =>
        WithColumns(set, columns => columns.Select(c => c.Name == column.Name ? column : c));

    /// <summary>
    /// Every 8-byte little-endian occurrence of <paramref name="from"/> replaced by <paramref name="to"/>
    /// (e.g. a dataspace dimension); object headers of the managed writer (version 1) carry no checksum.
    /// </summary>
    public static byte[] PatchInt64(byte[] bytes, long from, long to, out int count)
    {
        var patched = (byte[])bytes.Clone();
        var needle = BitConverter.GetBytes(from);
        var replacement = BitConverter.GetBytes(to);
        count = 0;
        for (var i = 0; i + 8 <= patched.Length; i++)
        {
            if (patched.AsSpan(i, 8).SequenceEqual(needle))
            {
                replacement.CopyTo(patched, i);
                count++;
                i += 7;
            }
        }

        return patched;
    }

    /// <summary>
    /// A chunked, deflated file whose <c>employment_income</c> chunk is replaced by a zlib stream that
    /// inflates to 2 MiB of zeros (its declared chunk is a few KB). The chunk is found by writing the
    /// file twice with different incompressible values: deflate stores random bytes verbatim, so both
    /// files have the same layout and differ only inside that chunk.
    /// </summary>
    public static byte[] DeflateBomb()
    {
        var set = Population();
        var persons = set.Rows["person"];
        var layout = H5Layout.Chunked(1 << 16, deflateLevel: 4, shuffle: true);
        var a = Write(Replace(set, new DoubleColumn("employment_income", "person", RandomDoubles(persons, 1))), layout);
        var b = Write(Replace(set, new DoubleColumn("employment_income", "person", RandomDoubles(persons, 2))), layout);
        Assert.Equal(a.Length, b.Length);
        var first = Enumerable.Range(0, a.Length).First(i => a[i] != b[i]);

        // zlib header (2 bytes) and a stored block header (1 + 4 bytes) precede the first data byte.
        var chunkStart = first - 7;
        Assert.Equal(0x78, a[chunkStart]);
        var bomb = Zlib(new byte[2 << 20]);
        Assert.True(bomb.Length < persons * sizeof(double), $"the bomb ({bomb.Length} bytes) must fit in the stored chunk");
        bomb.CopyTo(a, chunkStart);
        return a;
    }

    private static double[] RandomDoubles(int count, int seed)
    {
        var bytes = new byte[count * sizeof(double)];
        new Random(seed).NextBytes(bytes);
        var values = new double[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }
}
