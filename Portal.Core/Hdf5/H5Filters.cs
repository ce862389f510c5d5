namespace Portal.Core.Hdf5;

/// <summary>The byte-shuffle filter (HDF5 filter 2): groups byte k of every element together.</summary>
internal static class H5Filters
{
    public static void Shuffle(ReadOnlySpan<byte> src, Span<byte> dst, int elementSize)
    {
        var n = src.Length / elementSize;
        for (var b = 0; b < elementSize; b++)
        {
            var o = dst.Slice(b * n, n);
            for (int i = 0, s = b; i < n; i++, s += elementSize) o[i] = src[s];
        }
        // Trailing bytes that do not form a whole element are copied unchanged (as libhdf5 does).
        src[(n * elementSize)..].CopyTo(dst[(n * elementSize)..]);
    }

    public static void Unshuffle(ReadOnlySpan<byte> src, Span<byte> dst, int elementSize)
    {
        var n = src.Length / elementSize;
        for (var b = 0; b < elementSize; b++)
        {
            var i0 = src.Slice(b * n, n);
            for (int i = 0, d = b; i < n; i++, d += elementSize) dst[d] = i0[i];
        }
        src[(n * elementSize)..].CopyTo(dst[(n * elementSize)..]);
    }
}
