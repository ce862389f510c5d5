using System.Diagnostics;
using System.Globalization;
using Portal.Core.Hdf5;

namespace Portal.Bench;

/// <summary>
/// HDF5 codec throughput: `dotnet run -c Release --project bench -- hdf5 [--size-mib N] [--dir PATH]`.
/// Writes N MiB of float64 (contiguous) without and with fsync, reads it back, then copies it with this
/// codec and with libhdf5's h5repack/h5copy. Reads run from the page cache (the file was just written).
/// Targets: ≥ 1 GB/s write and read, copy within 1.5× of the tool. Reading into a brand-new array also
/// pays the kernel's first-touch page faults for that memory, which on a VM can dominate the figure.
/// </summary>
public static class Hdf5Throughput
{
    private const int Batch = 1 << 20; // elements per append/read (8 MiB)

    public static void Run(string[] args)
    {
        var sizeMiB = 1024L;
        var dir = Path.Combine(Path.GetTempPath(), "portal-hdf5-bench");
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--size-mib") sizeMiB = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            if (args[i] == "--dir") dir = args[i + 1];
        }
        Directory.CreateDirectory(dir);
        var elements = sizeMiB * (1 << 20) / sizeof(double);
        var bytes = elements * sizeof(double);
        var source = Path.Combine(dir, "source.h5");
        Console.WriteLine($"HDF5 throughput: {sizeMiB} MiB float64 contiguous ({elements:N0} elements) in {dir}");

        var buffer = new double[Batch];
        for (var i = 0; i < Batch; i++) buffer[i] = i;
        // Other processes compete for the CPU and disk; the load average puts the figures in context.
        Console.WriteLine($"load average: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a")}, cores: {Environment.ProcessorCount}");
        // Warm-up (untimed): JIT, and on a VM the first touch of fresh page-cache memory is very slow.
        Write(source, elements, buffer, durable: false);
        Read(source, elements, buffer);

        Report("write (no fsync)", bytes, () => { File.Delete(source); Write(source, elements, buffer, durable: false); });
        Report("write (durable, fsync)", bytes, () => { File.Delete(source); Write(source, elements, buffer, durable: true); });
        Report("read (ReadInto, 8 MiB batches)", bytes, () => Read(source, elements, buffer));
        Report("read (Read<double>() new array)", bytes, () => ReadWhole(source, elements));

        // Every copy starts from a deleted target, so no run pays for freeing the previous output's pages.
        var ours = Report("copy (this codec)", bytes, () =>
        {
            File.Delete(Path.Combine(dir, "copy-ours.h5"));
            Copy(source, Path.Combine(dir, "copy-ours.h5"), buffer);
        });
        var repack = Report("copy (h5repack)", bytes, () =>
        {
            File.Delete(Path.Combine(dir, "copy-h5repack.h5"));
            Tool("h5repack", source, Path.Combine(dir, "copy-h5repack.h5"));
        });
        var h5copy = Report("copy (h5copy)", bytes, () =>
        {
            File.Delete(Path.Combine(dir, "copy-h5copy.h5"));
            Tool("h5copy", "-i", source, "-o", Path.Combine(dir, "copy-h5copy.h5"), "-s", "/data", "-d", "/data");
        });
        Console.WriteLine(FormattableString.Invariant($"copy ratio (median) ours/h5repack = {ours / repack:F2}, ours/h5copy = {ours / h5copy:F2} (target ≤ 1.5)"));
        Tool("h5diff", source, Path.Combine(dir, "copy-ours.h5")); // the copy is identical according to libhdf5
        foreach (var f in Directory.GetFiles(dir, "*.h5")) File.Delete(f);
    }

    /// <summary>Runs the action five times and prints the best and median; returns the median seconds.
    /// Five, not three: page-cache writeback from the previous run makes single runs noisy on a small VM.</summary>
    private static double Report(string what, long bytes, Action action)
    {
        var times = Enumerable.Range(0, 5).Select(_ => Time(action)).Order().ToArray();
        Console.WriteLine(FormattableString.Invariant(
            $"{what,-34} best {times[0],6:F3} s {bytes / times[0] / 1e9,5:F2} GB/s | median {times[2],6:F3} s {bytes / times[2] / 1e9,5:F2} GB/s"));
        return times[2];
    }

    private static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalSeconds;
    }

    private static void Write(string path, long elements, double[] buffer, bool durable)
    {
        using var w = H5Writer.Create(path, new H5WriterOptions(BufferSize: 1 << 20, Durable: durable));
        using (var s = w.BeginDataset<double>("/data", elements))
        {
            for (long at = 0; at < elements; at += Batch)
            {
                var n = (int)Math.Min(Batch, elements - at);
                // Data generation is not codec work: only the batch's first and last values change.
                buffer[0] = at;
                buffer[n - 1] = at + n - 1;
                s.Append(buffer.AsSpan(0, n));
            }
            s.Complete();
        }
        w.SetAttribute("/data", "unit", "index");
        w.Commit();
    }

    private static void Read(string path, long elements, double[] buffer)
    {
        using var file = H5File.Open(path);
        var ds = file.Root.GetDataset("data");
        for (long at = 0; at < elements; at += Batch)
        {
            var n = (int)Math.Min(Batch, elements - at);
            ds.ReadInto(at, buffer.AsSpan(0, n));
            if (buffer[0] != at || buffer[n - 1] != at + n - 1) throw new InvalidOperationException($"wrong value near {at}");
        }
    }

    private static void ReadWhole(string path, long elements)
    {
        using var file = H5File.Open(path);
        var data = file.Root.GetDataset("data").Read<double>();
        if (data.LongLength != elements || data[^1] != elements - 1) throw new InvalidOperationException("wrong data");
    }

    private static void Copy(string from, string to, double[] buffer)
    {
        using var file = H5File.Open(from);
        var ds = file.Root.GetDataset("data");
        using var w = H5Writer.Create(to, new H5WriterOptions(Durable: false)); // h5repack does not fsync either
        using (var s = w.BeginDataset<double>("/data", ds.Length))
        {
            for (long at = 0; at < ds.Length; at += Batch)
            {
                var n = (int)Math.Min(Batch, ds.Length - at);
                ds.ReadInto(at, buffer.AsSpan(0, n));
                s.Append(buffer.AsSpan(0, n));
            }
            s.Complete();
        }
        foreach (var a in ds.Attributes)
            if (a.Value is string text) w.SetAttribute("/data", a.Name, text);
        w.Commit();
    }

    private static void Tool(string tool, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(tool, args) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"cannot start {tool}");
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} exited with {p.ExitCode}");
    }
}
