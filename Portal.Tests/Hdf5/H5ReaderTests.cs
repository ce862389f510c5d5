using Portal.Core.Hdf5;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Hdf5;

/// <summary>
/// The reader against our own files and against files libhdf5 produced from them (h5repack, h5import,
/// h5copy), covering superblock v0/v3, old- and new-style (compact and dense) groups and every chunk index
/// the tools emit by default.
/// </summary>
public sealed class H5ReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new("h5r");

    public void Dispose() => _dir.Dispose();

    private static readonly double[] Doubles = Enumerable.Range(0, 5000).Select(i => Math.Round(Math.Sin(i) * 1000, 3)).ToArray();
    private static readonly int[] Ints = Enumerable.Range(0, 5000).Select(i => i * 3 - 2000).ToArray();
    private static readonly float[] Floats = Enumerable.Range(0, 700).Select(i => i / 4f).ToArray();
    private static readonly long[] Longs = [long.MinValue, -1, 0, 1, long.MaxValue];
    private static readonly byte[] Bytes = [0, 1, 127, 128, 255];
    private static readonly bool[] Bools = [true, false, false, true];
    private static readonly string[] Names = ["alpha", "beta", "γάμμα", ""];
    private static readonly double[] Matrix = Enumerable.Range(0, 7 * 5).Select(i => (double)i).ToArray();

    /// <summary>A file with every type, both layouts, nested and large groups, and many attributes.</summary>
    private string Original()
    {
        var path = _dir.File("original.h5");
        if (File.Exists(path)) return path;
        using var w = H5Writer.Create(path);
        w.WriteDataset<double>("/data/doubles", Doubles, H5Layout.Chunked(512, 6, true));
        w.WriteDataset<int>("/data/ints", Ints);
        w.WriteDataset<float>("/data/floats", Floats, H5Layout.Chunked(100));
        w.WriteDataset<long>("/data/longs", Longs);
        w.WriteDataset<byte>("/data/bytes", Bytes, H5Layout.Chunked(2, 1));
        w.WriteDataset<bool>("/data/bools", Bools);
        w.WriteStrings("/data/names", Names);
        w.WriteDataset<double>("/data/matrix", Matrix, [7, 5], H5Layout.Chunked(10, 3));
        for (var i = 0; i < 40; i++) w.WriteDataset<int>($"/wide/v{i:D2}", [i, i + 1]);
        w.SetAttribute("/", "title", "fixture");
        w.SetAttribute("/data", "count", 42);
        w.SetAttribute("/data/doubles", "scale", 0.25);
        w.SetAttribute("/data/doubles", "ids", new long[] { 1, 2, 3 });
        for (var i = 0; i < 12; i++) w.SetAttribute("/wide", $"a{i:D2}", i * 1.5);
        w.Commit();
        return path;
    }

    private static void AssertContent(H5File file)
    {
        var data = file.Root.GetGroup("data");
        Assert.Equal(Doubles, data.GetDataset("doubles").Read<double>());
        Assert.Equal(Ints, data.GetDataset("ints").Read<int>());
        Assert.Equal(Floats, data.GetDataset("floats").Read<float>());
        Assert.Equal(Longs, data.GetDataset("longs").Read<long>());
        Assert.Equal(Bytes, data.GetDataset("bytes").Read<byte>());
        Assert.Equal(Bools, data.GetDataset("bools").Read<bool>());
        Assert.Equal(Names, data.GetDataset("names").ReadStrings());
        var matrix = file.Root.GetDataset("/data/matrix");
        Assert.Equal([7L, 5L], matrix.Shape);
        Assert.Equal(Matrix, matrix.Read<double>());
        Assert.Equal(Matrix[12..29], matrix.ReadRange<double>(12, 17));
        Assert.Equal(Ints.Select(i => (double)i), data.GetDataset("ints").ReadAsDouble());
        Assert.Equal(Doubles[4000..4100], data.GetDataset("doubles").ReadRange<double>(4000, 100));

        var wide = file.Root.GetGroup("/wide");
        Assert.Equal(40, wide.Datasets.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"v{i:D2}"), wide.Datasets.Select(d => d.Name));
        Assert.Equal([39, 40], wide.GetDataset("v39").Read<int>());
        Assert.Equal(12, wide.Attributes.Count);
        Assert.Equal(16.5, wide.FindAttribute("a11")!.Value);

        Assert.Equal("fixture", file.Root.FindAttribute("title")!.Value);
        Assert.Equal(42, data.FindAttribute("count")!.Value);
        var doubles = data.GetDataset("doubles");
        Assert.Equal(0.25, doubles.FindAttribute("scale")!.Value);
        Assert.Equal(new long[] { 1, 2, 3 }, doubles.FindAttribute("ids")!.Value);
        Assert.Equal(["data", "wide"], file.Root.Groups.Select(g => g.Name));
        Assert.True(file.Root.Exists("/data/names"));
        Assert.False(file.Root.Exists("/data/nope"));
        var missing = Assert.Throws<KeyNotFoundException>(() => file.Root.GetDataset("/data/nope"));
        Assert.Contains("/data/nope", missing.Message);
    }

    [Fact]
    public void Reads_back_what_the_writer_wrote()
    {
        using var file = H5File.Open(Original());
        Assert.Equal(0, file.SuperblockVersion);
        AssertContent(file);
        var doubles = file.Root.GetDataset("/data/doubles");
        Assert.Equal(H5StorageLayout.Chunked, doubles.Layout);
        Assert.Equal(["shuffle", "deflate"], doubles.Filters);
        Assert.Equal(new H5DataType(H5TypeKind.Float, 8, true, TypeClass: 1), doubles.DataType);
    }

    [Fact]
    public void Reads_from_a_stream()
    {
        using var stream = new MemoryStream(File.ReadAllBytes(Original()));
        using var file = H5File.Open(stream, leaveOpen: true);
        AssertContent(file);
    }

    public static TheoryData<string, string, int, string?> Repacks => new()
    {
        { "default", "", 0, "btree-v1" },
        { "latest", "--latest", 3, "btree-v1" },
        { "gzip", "-l CHUNK=256 -f GZIP=6", 0, "btree-v1" },
        { "shuffle-gzip", "-l CHUNK=300 -f SHUF -f GZIP=1", 0, "btree-v1" },
        { "fletcher", "-l CHUNK=1000 -f FLET -f GZIP=3", 0, "btree-v1" },
        { "latest-fixed-array", "--latest -l /data/doubles:CHUNK=64 -f /data/doubles:GZIP=6", 3, "fixed-array" },
        { "latest-paged-fixed-array", "--latest -l /data/doubles:CHUNK=2 -f /data/doubles:SHUF", 3, "fixed-array" },
        { "latest-single-chunk", "--latest -l /data/doubles:CHUNK=5000 -f /data/doubles:GZIP=9", 3, "single" },
        { "latest-fletcher", "--latest -l /data/doubles:CHUNK=100 -f /data/doubles:FLET", 3, "fixed-array" },
        { "contiguous", "-l /data/doubles:CONTI", 0, null },
        { "compact", "-l /data/longs:COMPA -l /data/doubles:CHUNK=5000", 0, "btree-v1" },
    };

    [Theory]
    [MemberData(nameof(Repacks))]
    public void Reads_files_rewritten_by_h5repack(string name, string options, int superblock, string? doublesIndex)
    {
        var output = _dir.File($"repack-{name}.h5");
        H5Tools.Run("h5repack", [.. options.Split(' ', StringSplitOptions.RemoveEmptyEntries), Original(), output]);
        using var file = H5File.Open(output);
        Assert.Equal(superblock, file.SuperblockVersion);
        AssertContent(file);
        Assert.Equal(doublesIndex, file.Root.GetDataset("/data/doubles").ChunkIndex);
        if (name == "compact") Assert.Equal(H5StorageLayout.Compact, file.Root.GetDataset("/data/longs").Layout);
    }

    [Fact]
    public void Reads_h5import_output_big_endian_and_chunked()
    {
        File.WriteAllText(_dir.File("ints.txt"), string.Join(' ', Enumerable.Range(1, 12)));
        File.WriteAllText(_dir.File("ints.cfg"), """
            PATH /imported/ints
            INPUT-CLASS TEXTIN
            INPUT-SIZE 32
            RANK 2
            DIMENSION-SIZES 3 4
            OUTPUT-CLASS IN
            OUTPUT-SIZE 32
            OUTPUT-ARCHITECTURE STD
            OUTPUT-BYTE-ORDER BE
            CHUNKED-DIMENSION-SIZES 2 2
            COMPRESSION-TYPE GZIP
            COMPRESSION-PARAM 6
            """);
        File.WriteAllText(_dir.File("floats.txt"), "1.5 2.5 3.25\n-4 5e3 6\n");
        File.WriteAllText(_dir.File("floats.cfg"), """
            PATH /floats
            INPUT-CLASS TEXTFP
            INPUT-SIZE 64
            RANK 1
            DIMENSION-SIZES 6
            OUTPUT-CLASS FP
            OUTPUT-SIZE 64
            OUTPUT-ARCHITECTURE IEEE
            OUTPUT-BYTE-ORDER BE
            """);
        var output = _dir.File("imported.h5");
        H5Tools.Run("h5import", _dir.File("ints.txt"), "-c", _dir.File("ints.cfg"), _dir.File("floats.txt"), "-c", _dir.File("floats.cfg"), "-o", output);

        using var file = H5File.Open(output);
        var ints = file.Root.GetDataset("/imported/ints");
        Assert.True(ints.DataType.BigEndian);
        Assert.Equal([3L, 4L], ints.Shape);
        Assert.Equal([2L, 2L], ints.ChunkShape);
        Assert.Equal(Enumerable.Range(1, 12), ints.Read<int>());
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), ints.Read<long>());
        var floats = file.Root.GetDataset("floats");
        Assert.Equal(new H5DataType(H5TypeKind.Float, 8, true, BigEndian: true, TypeClass: 1), floats.DataType);
        Assert.Equal([1.5, 2.5, 3.25, -4, 5000, 6], floats.Read<double>());
        Assert.Equal([2.5f, 3.25f], floats.ReadRange<float>(1, 2));
    }

    [Fact]
    public void Reads_unlimited_datasets_indexed_by_extensible_arrays_and_v2_btrees()
    {
        // 120 000 one-element chunks: the extensible array needs super blocks and paged data blocks.
        File.WriteAllText(_dir.File("seq.txt"), string.Join('\n', Enumerable.Range(1, 120_000)));
        File.WriteAllText(_dir.File("u1.cfg"), """
            PATH /u1
            INPUT-CLASS TEXTIN
            INPUT-SIZE 32
            RANK 1
            DIMENSION-SIZES 120000
            OUTPUT-CLASS IN
            OUTPUT-SIZE 32
            CHUNKED-DIMENSION-SIZES 1000
            MAXIMUM-DIMENSIONS -1
            """);
        File.WriteAllText(_dir.File("u2.cfg"), """
            PATH /u2
            INPUT-CLASS TEXTIN
            INPUT-SIZE 32
            RANK 2
            DIMENSION-SIZES 400 300
            OUTPUT-CLASS IN
            OUTPUT-SIZE 32
            CHUNKED-DIMENSION-SIZES 7 40
            MAXIMUM-DIMENSIONS -1 -1
            """);
        var imported = _dir.File("unlimited.h5");
        H5Tools.Run("h5import", _dir.File("seq.txt"), "-c", _dir.File("u1.cfg"), _dir.File("seq.txt"), "-c", _dir.File("u2.cfg"), "-o", imported);
        var latest = _dir.File("unlimited-latest.h5");
        H5Tools.Run("h5repack", "--latest", "-l", "/u1:CHUNK=1", "-f", "/u1:GZIP=1", "-l", "/u2:CHUNK=7x40", "-f", "/u2:SHUF", imported, latest);

        using var file = H5File.Open(latest);
        var u1 = file.Root.GetDataset("u1");
        Assert.Equal("extensible-array", u1.ChunkIndex);
        Assert.Equal([-1L], u1.MaxShape);
        Assert.Equal(Enumerable.Range(1, 120_000), u1.Read<int>());
        var u2 = file.Root.GetDataset("u2");
        Assert.Equal("btree-v2", u2.ChunkIndex);
        Assert.Equal([400L, 300L], u2.Shape);
        Assert.Equal(Enumerable.Range(1, 120_000), u2.Read<int>());
        Assert.Equal(Enumerable.Range(30_001, 450), u2.ReadRange<int>(30_000, 450));
    }

    [Fact]
    public void Reads_variable_length_strings_from_h5import()
    {
        File.WriteAllText(_dir.File("lines.txt"), "hello world\nsecond line\nγειά\n");
        File.WriteAllText(_dir.File("lines.cfg"), "PATH /text/lines\nINPUT-CLASS STR\n");
        var output = _dir.File("vlen.h5");
        H5Tools.Run("h5import", _dir.File("lines.txt"), "-c", _dir.File("lines.cfg"), "-o", output);
        using var file = H5File.Open(output);
        var lines = file.Root.GetDataset("/text/lines");
        Assert.True(lines.DataType.VariableLength);
        Assert.Equal(H5TypeKind.String, lines.DataType.Kind);
        Assert.Equal(["hello world", "second line", "γειά"], lines.ReadStrings());
        Assert.Throws<InvalidOperationException>(() => lines.Read<double>());
    }

    [Fact]
    public void Reads_objects_copied_by_h5copy()
    {
        var output = _dir.File("copied.h5");
        H5Tools.Run("h5copy", "-p", "-i", Original(), "-o", output, "-s", "/data/doubles", "-d", "/deep/copy/doubles");
        H5Tools.Run("h5copy", "-i", Original(), "-o", output, "-s", "/wide", "-d", "/wide");
        using var file = H5File.Open(output);
        Assert.Equal(Doubles, file.Root.GetDataset("deep/copy/doubles").Read<double>());
        Assert.Equal(0.25, file.Root.GetDataset("deep/copy/doubles").FindAttribute("scale")!.AsDouble());
        Assert.Equal(40, file.Root.GetGroup("wide").Datasets.Count);
    }

    [Fact]
    public void Reads_our_files_after_libhdf5_modified_them_in_place()
    {
        // h5copy opens the destination read-write: libhdf5 grows our local heaps, splits our symbol-table
        // nodes and adds continuation chunks to our object headers.
        var path = _dir.File("modified.h5");
        File.Copy(Original(), path);
        H5Tools.Run("h5copy", "-i", Original(), "-o", path, "-s", "/data/doubles", "-d", "/wide/zz_extra");
        H5Tools.Run("h5copy", "-i", Original(), "-o", path, "-s", "/data", "-d", "/data_copy");
        using var file = H5File.Open(path);
        Assert.Equal(Ints, file.Root.GetDataset("/data/ints").Read<int>());
        Assert.Equal(Matrix, file.Root.GetDataset("/data_copy/matrix").Read<double>());
        Assert.Equal(12, file.Root.GetGroup("wide").Attributes.Count);
        Assert.Equal(41, file.Root.GetGroup("wide").Datasets.Count);
        Assert.Equal(Doubles, file.Root.GetDataset("/wide/zz_extra").Read<double>());
        Assert.Equal(Names, file.Root.GetDataset("/data_copy/names").ReadStrings());
    }

    [Fact]
    public void Range_reads_check_bounds_and_type()
    {
        using var file = H5File.Open(Original());
        var ints = file.Root.GetDataset("/data/ints");
        Assert.Throws<ArgumentOutOfRangeException>(() => ints.ReadRange<int>(4999, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ints.ReadRange<int>(-1, 1));
        Assert.Throws<InvalidOperationException>(() => file.Root.GetDataset("/data/names").Read<int>());
        Assert.Throws<InvalidOperationException>(() => ints.ReadStrings());
        Assert.Throws<KeyNotFoundException>(() => file.Root.GetGroup("/data/ints"));
        Span<int> window = new int[10];
        ints.ReadInto(100, window);
        Assert.Equal(Ints[100..110], window.ToArray());
    }

    [Fact]
    public void Not_an_hdf5_file_is_a_format_error()
    {
        var path = _dir.File("text.h5");
        File.WriteAllText(path, "definitely not HDF5");
        var e = Assert.Throws<Hdf5FormatException>(() => H5File.Open(path));
        Assert.Equal(0, e.Offset);
        Assert.Contains("offset 0", e.Message);
    }
}
