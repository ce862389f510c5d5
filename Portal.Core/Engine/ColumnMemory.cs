using System.Runtime.InteropServices;

namespace Portal.Core.Engine;

/// <summary>
/// Allocates result columns. Large columns go on the pinned object heap and, on Linux, are advised
/// to use transparent huge pages: an economy run writes ~1 GB of fresh columns, and on virtual
/// machines faulting that in 4 KB pages costs more than computing it (measured 10×, see
/// docs/model-format.md "Engine notes").
/// </summary>
internal static partial class ColumnMemory
{
    // Every column the LOH would take (≥ 85 KB) goes to the pinned heap uninitialised: `new double[]`
    // on the LOH is zeroed by faulting in fresh pages, measured as half of the page faults of the US
    // federal chain (400k-row tax-unit columns are 3.2 MB).
    private const int HugeThresholdBytes = 256 << 10;
    private const nint HugePage = 2 << 20;
    private const int MadviseHugePage = 14;
    private static bool hugePagesUnavailable = !OperatingSystem.IsLinux();

    /// <summary>A column whose every element the caller overwrites (contents unspecified).</summary>
    public static double[] Uninitialized(int length)
    {
        if (length * (long)sizeof(double) < HugeThresholdBytes)
        {
            return new double[length];
        }

        if (TakeReleased(length) is { } reused)
        {
            return reused;
        }

        var array = GC.AllocateUninitializedArray<double>(length, pinned: true);
        Advise(array);
        return array;
    }

    // Result columns of disposed simulations, by exact length: the next simulation of the same
    // population asks for the same lengths, and reusing a column that is already faulted in saves
    // zeroing and mapping it again (a fresh US federal chain faulted ~74 MB per run, ~20% of its time).
    private static readonly Dictionary<int, Stack<double[]>> Released = [];
    private static long releasedBytes;

    /// <summary>Most bytes kept for reuse (more is left to the GC): an economy run's results fit.</summary>
    internal static long ReleasedLimitBytes { get; set; } = 1L << 30;

    /// <summary>Bytes currently kept for reuse.</summary>
    internal static long ReleasedBytes
    {
        get
        {
            lock (Released)
            {
                return releasedBytes;
            }
        }
    }

    /// <summary>
    /// Gives back a result column nobody reads any more, for <see cref="Uninitialized"/> to hand out
    /// again. Small columns are left to the GC (cheap to allocate).
    /// </summary>
    public static void Release(double[] column)
    {
        var bytes = column.Length * (long)sizeof(double);
        if (bytes < HugeThresholdBytes)
        {
            return;
        }

        lock (Released)
        {
            if (releasedBytes + bytes > ReleasedLimitBytes)
            {
                return;
            }

            if (!Released.TryGetValue(column.Length, out var stack))
            {
                Released[column.Length] = stack = new Stack<double[]>();
            }

            stack.Push(column);
            releasedBytes += bytes;
            TrimUnderPressure.Start();
        }
    }

    private static double[]? TakeReleased(int length)
    {
        lock (Released)
        {
            if (releasedBytes > 0 && Released.TryGetValue(length, out var stack) && stack.TryPop(out var column))
            {
                releasedBytes -= length * (long)sizeof(double);
                return column;
            }
        }

        return null;
    }

    /// <summary>Drops every kept column (the GC reclaims them).</summary>
    internal static void ClearReleased()
    {
        lock (Released)
        {
            Released.Clear();
            releasedBytes = 0;
        }
    }

    /// <summary>
    /// Runs after each gen2 GC (a finalizable object that re-registers itself) and drops the kept
    /// columns when the GC reports high memory load, so a server that ran a large economy does not
    /// keep its columns against other demand. Not on every gen2 GC: that is what made
    /// ArrayPool.Shared re-fault its buffers (see <see cref="Rent"/>).
    /// </summary>
    private sealed class TrimUnderPressure
    {
        private static bool started;

        private TrimUnderPressure()
        {
        }

        public static void Start()
        {
            if (!started)
            {
                started = true;
                _ = new TrimUnderPressure();
            }
        }

        ~TrimUnderPressure()
        {
            var info = GC.GetGCMemoryInfo();
            if (info.MemoryLoadBytes >= info.HighMemoryLoadThresholdBytes)
            {
                ClearReleased();
            }

            if (!Environment.HasShutdownStarted)
            {
                GC.ReRegisterForFinalize(this);
            }
        }
    }

    // Scratch columns of one formula (aggregations, positions, counters), pooled per power-of-two
    // size. Not ArrayPool.Shared: it trims its buffers on gen2 GCs and allocates replacements as
    // ordinary (not huge-page) memory, so every economy run faulted its scratch columns in again.
    private const int PoolPerSize = 8;
    private static readonly Stack<double[]>[] Pool = [.. Enumerable.Range(0, 32).Select(_ => new Stack<double[]>())];

    /// <summary>A scratch column of at least <paramref name="length"/> elements (contents unspecified); give it back with <see cref="Return"/>.</summary>
    public static double[] Rent(int length)
    {
        var bucket = Bucket(length);
        if (bucket >= 31)
        {
            return Uninitialized(length);
        }

        var stack = Pool[bucket];
        lock (stack)
        {
            if (stack.TryPop(out var pooled))
            {
                return pooled;
            }
        }

        return Uninitialized(1 << bucket);
    }

    public static void Return(double[] array)
    {
        var bucket = Bucket(array.Length);
        if (bucket >= 31 || array.Length != 1 << bucket)
        {
            return; // not one of ours
        }

        var stack = Pool[bucket];
        lock (stack)
        {
            if (stack.Count < PoolPerSize)
            {
                stack.Push(array);
            }
        }
    }

    private static int Bucket(int length) => length <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(length - 1));

    /// <summary>A zero-filled column.</summary>
    public static double[] Zeroed(int length)
    {
        var array = Uninitialized(length);
        if (length * (long)sizeof(double) >= HugeThresholdBytes)
        {
            Array.Clear(array);
        }

        return array;
    }

    private static void Advise(double[] array)
    {
        if (hugePagesUnavailable)
        {
            return;
        }

        try
        {
            var start = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
            // Rounded outwards: the huge pages at either end are shared with neighbouring heap
            // memory (advice is harmless there), and a 3.2 MB column rounded inwards got at most one
            // huge page, leaving ~300 faults of 4 KB pages per column.
            var from = start & ~(HugePage - 1);
            var to = (start + (nint)(array.Length * (long)sizeof(double)) + HugePage - 1) & ~(HugePage - 1);
            if (to > from)
            {
                // Advice only: failure (e.g. THP disabled) leaves ordinary pages, which is correct, just slower.
                _ = NativeMethods.madvise(from, (nuint)(to - from), MadviseHugePage);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            hugePagesUnavailable = true;
        }
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA5392, CA1401, IDE1006 // a single blittable libc call; LibraryImport would need unsafe code
        [DllImport("libc", EntryPoint = "madvise")]
        public static extern int madvise(nint address, nuint length, int advice);
#pragma warning restore SYSLIB1054, CA5392, CA1401, IDE1006
    }
}
