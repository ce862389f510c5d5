using Portal.Core.Hdf5;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Hdf5;

/// <summary>Files written by <see cref="H5Writer"/>, checked with libhdf5's own h5dump/h5ls/h5repack.</summary>
public sealed class H5WriterTests : IDisposable
{
    private readonly TempDirectory _dir = new("h5w");

    public void Dispose() => _dir.Dispose();

    private string Write(Action<H5Writer> body, string name = "t.h5")
    {
        var path = _dir.File(name);
        using var w = H5Writer.Create(path);
        body(w);
        w.Commit();
        return path;
    }

    public static TheoryData<string?> Layouts => new() { null, "chunk:7", "chunk:7:6", "chunk:5:1:shuffle", "chunk:1000:9:shuffle" };

    private static H5Layout? ParseLayout(string? spec)
    {
        if (spec is null) return null;
        var p = spec.Split(':');
        return H5Layout.Chunked(int.Parse(p[1]), p.Length > 2 ? int.Parse(p[2]) : 0, p.Length > 3);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_element_type_is_read_back_by_h5dump(string? layoutSpec)
    {
        var layout = ParseLayout(layoutSpec);
        var doubles = Enumerable.Range(0, 50).Select(i => i * 0.25 - 3).ToArray();
        var floats = Enumerable.Range(0, 50).Select(i => i * 0.5f).ToArray();
        var ints = Enumerable.Range(0, 50).Select(i => i * 1000 - 7).ToArray();
        var longs = Enumerable.Range(0, 50).Select(i => (long)i << 40).ToArray();
        var bytes = Enumerable.Range(0, 50).Select(i => (byte)(i * 5)).ToArray();
        var bools = Enumerable.Range(0, 50).Select(i => i % 3 == 0).ToArray();
        var file = Write(w =>
        {
            w.WriteDataset<double>("/d", doubles, layout);
            w.WriteDataset<float>("/f", floats, layout);
            w.WriteDataset<int>("/i", ints, layout);
            w.WriteDataset<long>("/l", longs, layout);
            w.WriteDataset<byte>("/b", bytes, layout);
            w.WriteDataset<bool>("/flags", bools, layout);
        });

        Check("/d", "H5T_IEEE_F64LE", doubles.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Check("/f", "H5T_IEEE_F32LE", floats.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Check("/i", "H5T_STD_I32LE", ints.Select(v => v.ToString()));
        Check("/l", "H5T_STD_I64LE", longs.Select(v => v.ToString()));
        Check("/b", "H5T_STD_U8LE", bytes.Select(v => v.ToString()));
        Check("/flags", "H5T_STD_U8LE", bools.Select(v => v ? "1" : "0")); // bool is stored as uint8 0/1

        if (layout is not null)
        {
            var props = H5Tools.Properties(file, "/d");
            Assert.Contains($"CHUNKED ( {Math.Min(layout.ChunkElements, 50)} )", props);
            Assert.Equal(layout.DeflateLevel > 0, props.Contains($"COMPRESSION DEFLATE {{ LEVEL {layout.DeflateLevel} }}"));
            Assert.Equal(layout.Shuffle, props.Contains("PREPROCESSING SHUFFLE"));
        }

        void Check(string path, string type, IEnumerable<string> expected)
        {
            var dump = H5Tools.DumpObject(file, "-d", path);
            Assert.Equal(type, dump.Type);
            Assert.Equal([50L], dump.Dims);
            Assert.Equal(expected.Select(double.Parse), dump.Doubles);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("chunk:4:4")]
    [InlineData("chunk:2:0:shuffle")]
    public void Two_dimensional_datasets_keep_their_shape(string? layoutSpec)
    {
        var values = Enumerable.Range(0, 15).Select(i => (double)i).ToArray();
        var file = Write(w => w.WriteDataset<double>("/m", values, [5, 3], ParseLayout(layoutSpec)));
        var dump = H5Tools.DumpObject(file, "-d", "/m");
        Assert.Equal([5L, 3L], dump.Dims);
        Assert.Equal(values, dump.Doubles);
        Assert.Throws<ArgumentException>(() => Write(w => w.WriteDataset<double>("/m", values, [4, 3]), "bad.h5"));
    }

    [Fact]
    public void Strings_are_fixed_length_null_padded_and_utf8_when_needed()
    {
        var file = Write(w =>
        {
            w.WriteStrings("/ascii", ["alpha", "be", ""]);
            w.WriteStrings("/utf8", ["çé", "x"], layout: H5Layout.Chunked(1, 5));
            w.WriteStrings("/wide", ["a"], fixedLength: 16);
        });
        var ascii = H5Tools.DumpObject(file, "-d", "/ascii");
        Assert.Equal("H5T_STRING", ascii.Type);
        Assert.Equal(5, ascii.StringSize);
        Assert.Equal(["alpha", "be", ""], ascii.Strings);
        Assert.Contains("H5T_CSET_UTF8", H5Tools.Run("h5dump", "-d", "/utf8", file));
        Assert.Contains("H5T_CSET_ASCII", H5Tools.Run("h5dump", "-d", "/ascii", file));
        Assert.Equal(16, H5Tools.DumpObject(file, "-d", "/wide").StringSize);
        Assert.Throws<ArgumentException>(() => Write(w => w.WriteStrings("/s", ["toolong"], fixedLength: 3), "bad.h5"));
    }

    [Fact]
    public void Attributes_of_every_kind_on_root_groups_and_datasets()
    {
        var file = Write(w =>
        {
            w.CreateGroup("/meta/inner");
            w.WriteDataset<double>("/meta/x", [1.0, 2.0]);
            w.SetAttribute("/", "title", "Release 2026");
            w.SetAttribute("/", "version", 3);
            w.SetAttribute("/meta", "rows", 123456789012L);
            w.SetAttribute("/meta", "ratio", 0.5);
            w.SetAttribute("/meta/inner", "weights", new[] { 1.5, 2.5 });
            w.SetAttribute("/meta/x", "ids", new long[] { 7, 8, 9 });
            w.SetAttribute("/meta/x", "counts", new[] { 1, 2 });
            w.SetAttribute("/meta/x", "unit", "€/year");
            w.SetAttribute("/meta/x", "unit", "EUR/year"); // replaces the previous value
        });
        var title = H5Tools.DumpObject(file, "-a", "/title");
        Assert.Equal("H5T_STRING", title.Type);
        Assert.Empty(title.Dims);
        Assert.Equal(["Release 2026"], title.Strings);
        Assert.Equal([3L], H5Tools.DumpObject(file, "-a", "/version").Longs);
        Assert.Equal("H5T_STD_I32LE", H5Tools.DumpObject(file, "-a", "/version").Type);
        Assert.Equal([123456789012L], H5Tools.DumpObject(file, "-a", "/meta/rows").Longs);
        Assert.Equal("H5T_STD_I64LE", H5Tools.DumpObject(file, "-a", "/meta/rows").Type);
        Assert.Equal([0.5], H5Tools.DumpObject(file, "-a", "/meta/ratio").Doubles);
        var weights = H5Tools.DumpObject(file, "-a", "/meta/inner/weights");
        Assert.Equal([2L], weights.Dims);
        Assert.Equal([1.5, 2.5], weights.Doubles);
        Assert.Equal([7L, 8, 9], H5Tools.DumpObject(file, "-a", "/meta/x/ids").Longs);
        Assert.Equal([1L, 2], H5Tools.DumpObject(file, "-a", "/meta/x/counts").Longs);
        Assert.Equal(["EUR/year"], H5Tools.DumpObject(file, "-a", "/meta/x/unit").Strings);
        Assert.Throws<KeyNotFoundException>(() => Write(w => w.SetAttribute("/missing", "a", 1), "bad.h5"));
    }

    [Fact]
    public void Large_groups_use_multi_level_symbol_tables_that_libhdf5_lists()
    {
        var file = Write(w =>
        {
            for (var i = 0; i < 600; i++) w.WriteDataset<int>($"/vars/v{i:D4}", [i]);
            w.CreateGroup("/empty");
        });
        var listing = H5Tools.Run("h5ls", "-r", file).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(600, listing.Count(l => l.StartsWith("/vars/v", StringComparison.Ordinal) && l.Contains("Dataset")));
        Assert.Contains(listing, l => l.StartsWith("/empty ", StringComparison.Ordinal) && l.Contains("Group"));
        Assert.Equal([599L], H5Tools.DumpObject(file, "-d", "/vars/v0599").Longs);
    }

    [Fact]
    public void Thousands_of_chunks_and_groups_need_three_level_btrees_that_libhdf5_follows()
    {
        // 64 children per chunk B-tree node: 5 000 chunks need three levels; 5 000 groups need 625 symbol nodes.
        var file = Write(w =>
        {
            w.WriteDataset<int>("/c", Enumerable.Range(0, 10_000).ToArray(), H5Layout.Chunked(2));
            w.WriteDataset<int>("/m", Enumerable.Range(0, 30_000).ToArray(), [10_000, 3], H5Layout.Chunked(3, 1));
            for (var i = 0; i < 5000; i++) w.CreateGroup($"/g/sub{i}");
        });
        Assert.Contains("(9990): 9990, 9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999", H5Tools.Run("h5dump", "-d", "/c", "-s", "9990", "-c", "10", file));
        Assert.Contains("(9999,0): 29997, 29998, 29999", H5Tools.Run("h5dump", "-d", "/m", "-s", "9999,0", "-c", "1,3", file));
        Assert.Equal(5000, H5Tools.Run("h5ls", file + "/g").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        using var read = H5File.Open(file);
        Assert.Equal(Enumerable.Range(0, 30_000), read.Root.GetDataset("m").Read<int>());
        Assert.Equal(5000, read.Root.GetGroup("g").Groups.Count);
    }

    [Fact]
    public void Empty_datasets_are_valid()
    {
        var file = Write(w =>
        {
            w.WriteDataset<double>("/a", ReadOnlySpan<double>.Empty);
            w.WriteDataset<int>("/b", ReadOnlySpan<int>.Empty, H5Layout.Chunked(10, 6));
            w.WriteStrings("/c", []);
        });
        Assert.Equal([0L], H5Tools.DumpObject(file, "-d", "/a").Dims);
        Assert.Equal([0L], H5Tools.DumpObject(file, "-d", "/b").Dims);
        Assert.Equal([0L], H5Tools.DumpObject(file, "-d", "/c").Dims);
    }

    [Fact]
    public void Files_survive_h5repack_and_h5diff_unchanged()
    {
        var file = Write(w =>
        {
            w.WriteDataset<double>("/g/x", Enumerable.Range(0, 1000).Select(i => Math.Sin(i)).ToArray(), H5Layout.Chunked(64, 6, true));
            w.WriteDataset<int>("/g/y", Enumerable.Range(0, 1000).ToArray());
            w.SetAttribute("/g", "note", "repacked");
        });
        var repacked = _dir.File("r.h5");
        H5Tools.Run("h5repack", "--latest", file, repacked);
        H5Tools.Run("h5diff", file, repacked); // exit code 0 = identical
    }

    [Fact]
    public void Streaming_appends_in_pieces_and_validates_counts()
    {
        var path = _dir.File("s.h5");
        using (var w = H5Writer.Create(path))
        {
            using (var s = w.BeginDataset<long>("/seq", 10_000, H5Layout.Chunked(999, 1)))
            {
                for (long i = 0; i < 10_000; i += 1000) s.Append(Enumerable.Range(0, 1000).Select(k => i + k).ToArray());
                Assert.Throws<InvalidOperationException>(() => s.Append([1L]));
                s.Complete();
            }
            var partial = w.BeginDataset<int>("/partial", 5);
            partial.Append([1, 2]);
            Assert.Throws<InvalidOperationException>(() => w.WriteDataset<int>("/other", [1])); // one stream at a time
            Assert.Throws<InvalidOperationException>(partial.Complete); // too few elements
            partial.Dispose(); // abandons the dataset
            w.WriteDataset<int>("/other", [1]);
            Assert.Throws<ArgumentException>(() => w.WriteDataset<int>("/other", [2]));
            w.Commit();
        }
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), H5Tools.DumpObject(path, "-d", "/seq").Longs);
        Assert.DoesNotContain("partial", H5Tools.Run("h5ls", path));
    }

    [Fact]
    public void Nothing_is_visible_before_commit_and_abandoned_files_leave_no_trace()
    {
        var path = _dir.File("atomic.h5");
        string temp;
        using (var w = H5Writer.Create(path))
        {
            w.WriteDataset<double>("/x", [1, 2, 3]);
            temp = w.TempPath;
            Assert.True(File.Exists(temp));
            Assert.False(File.Exists(path));
        }
        Assert.False(File.Exists(temp));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir.Path));

        File.WriteAllText(path, "old content");
        using (var w = H5Writer.Create(path, new H5WriterOptions(Durable: false)))
        {
            w.WriteDataset<double>("/x", [4, 5]);
            Assert.Equal("old content", File.ReadAllText(path)); // readers see the old file until the rename
            w.Commit();
        }
        Assert.Equal([4.0, 5.0], H5Tools.DumpObject(path, "-d", "/x").Doubles);
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }
}
