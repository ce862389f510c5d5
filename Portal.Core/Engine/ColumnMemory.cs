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

        var array = GC.AllocateUninitializedArray<double>(length, pinned: true);
        Advise(array);
        return array;
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
