using Portal.Core.Hdf5;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Hdf5;

public sealed class H5StreamingTests : IDisposable
{
    private readonly TempDirectory _dir = new("h5s");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Large_streamed_datasets_round_trip_in_batches(bool chunked)
    {
        // 8M doubles (64 MiB) written and read in 1M-element batches: neither side holds the whole dataset.
        const long total = 8L << 20;
        const int batch = 1 << 20;
        var path = _dir.File("big.h5");
        var buffer = new double[batch];
        using (var w = H5Writer.Create(path, new H5WriterOptions(Durable: false)))
        {
            using var s = w.BeginDataset<double>("/big", total, chunked ? H5Layout.Chunked(300_000, 1, true) : H5Layout.Contiguous);
            for (long at = 0; at < total; at += batch)
            {
                for (var i = 0; i < batch; i++) buffer[i] = (at + i) * 0.5;
                s.Append(buffer);
            }
            s.Complete();
            w.Commit();
        }
        using var file = H5File.Open(path);
        var ds = file.Root.GetDataset("big");
        Assert.Equal([total], ds.Shape);
        for (long at = 0; at < total; at += batch)
        {
            ds.ReadInto<double>(at, buffer);
            for (var i = 0; i < batch; i += 4099) Assert.Equal((at + i) * 0.5, buffer[i]);
            Assert.Equal((at + batch - 1) * 0.5, buffer[^1]);
        }
        // libhdf5 agrees on an arbitrary window.
        var dump = H5Tools.Run("h5dump", "-d", "/big", "-s", "7000000", "-c", "3", path);
        Assert.Contains("3.5e+06, 3.5e+06, 3.5e+06", dump);
    }
}

/// <summary>Mutated and truncated files must fail with <see cref="Hdf5FormatException"/> and nothing else.</summary>
public sealed class H5FuzzTests : IDisposable
{
    private readonly TempDirectory _dir = new("h5f");

    public void Dispose() => _dir.Dispose();

    private List<byte[]> Seeds()
    {
        var plain = _dir.File("seed.h5");
        using (var w = H5Writer.Create(plain, new H5WriterOptions(Durable: false)))
        {
            w.WriteDataset<double>("/a/x", Enumerable.Range(0, 300).Select(i => i * 1.5).ToArray(), H5Layout.Chunked(40, 4, true));
            w.WriteDataset<int>("/a/y", Enumerable.Range(0, 50).ToArray());
            w.WriteDataset<long>("/m", Enumerable.Range(0, 12).Select(i => (long)i).ToArray(), [4, 3], H5Layout.Chunked(6));
            w.WriteStrings("/s", ["one", "two"]);
            for (var i = 0; i < 12; i++) w.WriteDataset<byte>($"/g/d{i}", [(byte)i]);
            w.SetAttribute("/", "title", "seed");
            w.SetAttribute("/a/x", "w", new[] { 1.0, 2.0 });
            for (var i = 0; i < 10; i++) w.SetAttribute("/g", $"k{i}", i);
            w.Commit();
        }
        var latest = _dir.File("latest.h5");
        H5Tools.Run("h5repack", "--latest", "-l", "/a/x:CHUNK=16", "-f", "/a/x:GZIP=1", "-f", "/a/x:FLET", plain, latest);
        // Unlimited dimensions: extensible-array (1 unlimited) and v2 B-tree (2 unlimited) chunk indexes.
        File.WriteAllText(_dir.File("seq.txt"), string.Join('\n', Enumerable.Range(1, 200)));
        File.WriteAllText(_dir.File("u.cfg"), """
            PATH /u
            INPUT-CLASS TEXTIN
            INPUT-SIZE 32
            RANK 2
            DIMENSION-SIZES 20 10
            OUTPUT-CLASS IN
            OUTPUT-SIZE 32
            CHUNKED-DIMENSION-SIZES 3 4
            MAXIMUM-DIMENSIONS -1 -1
            """);
        File.WriteAllText(_dir.File("e.cfg"), """
            PATH /e
            INPUT-CLASS TEXTIN
            INPUT-SIZE 32
            RANK 1
            DIMENSION-SIZES 200
            OUTPUT-CLASS IN
            OUTPUT-SIZE 32
            CHUNKED-DIMENSION-SIZES 3
            MAXIMUM-DIMENSIONS -1
            """);
        File.WriteAllText(_dir.File("lines.txt"), "alpha\nbeta\ngamma\n");
        File.WriteAllText(_dir.File("lines.cfg"), "PATH /v\nINPUT-CLASS STR\n");
        var imported = _dir.File("unlimited.h5");
        H5Tools.Run("h5import", _dir.File("seq.txt"), "-c", _dir.File("u.cfg"), _dir.File("seq.txt"), "-c", _dir.File("e.cfg"),
            _dir.File("lines.txt"), "-c", _dir.File("lines.cfg"), "-o", imported);
        var unlimited = _dir.File("unlimited-latest.h5");
        H5Tools.Run("h5repack", "--latest", "-l", "/u:CHUNK=3x4", "-l", "/e:CHUNK=3", "-f", "/e:GZIP=1", imported, unlimited);
        return [File.ReadAllBytes(plain), File.ReadAllBytes(latest), File.ReadAllBytes(unlimited)];
    }

    [Fact]
    public void Corrupt_and_truncated_files_only_raise_format_exceptions()
    {
        var seeds = Seeds();
        var random = new Random(20261201);
        var failures = new List<string>();
        var formatErrors = 0;
        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var seed = seeds[iteration % seeds.Count];
            var bytes = (byte[])seed.Clone();
            switch (random.Next(4))
            {
                case 0: // truncation
                    Array.Resize(ref bytes, random.Next(bytes.Length));
                    break;
                case 1: // a few random bytes
                    for (var k = random.Next(1, 5); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                case 2: // a run of 0xFF (undefined addresses, huge sizes)
                    {
                        var at = random.Next(bytes.Length);
                        for (var k = 0; k < random.Next(1, 9) && at + k < bytes.Length; k++) bytes[at + k] = 0xFF;
                        break;
                    }
                default: // single bit flip in the metadata-heavy tail or head
                    {
                        var at = random.Next(2) == 0 ? random.Next(Math.Min(bytes.Length, 200)) : bytes.Length - 1 - random.Next(Math.Min(bytes.Length, 4000));
                        bytes[at] ^= (byte)(1 << random.Next(8));
                        break;
                    }
            }
            try
            {
                using var file = H5File.Open(new MemoryStream(bytes));
                Walk(file.Root, 0);
            }
            catch (Hdf5FormatException)
            {
                formatErrors++;
            }
            catch (Exception e)
            {
                failures.Add($"iteration {iteration}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                if (failures.Count > 5) break;
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(formatErrors > 300, $"only {formatErrors} mutations were detected as corrupt");
    }

    private static void Walk(H5Group group, int depth)
    {
        if (depth > 8) return; // a corrupt link can point back at an ancestor
        foreach (var a in group.Attributes) _ = a.Value;
        foreach (var d in group.Datasets)
        {
            foreach (var a in d.Attributes) _ = a.Value;
            if (d.DataType.Kind == H5TypeKind.String) d.ReadStrings();
            else if (d.DataType.Kind != H5TypeKind.Other && d.Length < 1_000_000) d.ReadAsDouble();
        }
        foreach (var g in group.Groups) Walk(g, depth + 1);
    }
}
