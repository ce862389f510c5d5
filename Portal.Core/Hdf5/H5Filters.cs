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
        if (elementSize <= 1 || n <= 1)
        {
            // Like libhdf5: nothing was shuffled (also guards against a corrupt element size).
            src.CopyTo(dst);
            return;
        }
        for (var b = 0; b < elementSize; b++)
        {
            var i0 = src.Slice(b * n, n);
            for (int i = 0, d = b; i < n; i++, d += elementSize) dst[d] = i0[i];
        }
        src[(n * elementSize)..].CopyTo(dst[(n * elementSize)..]);
    }

    /// <summary>HDF5's Fletcher-32 over big-endian 16-bit words (H5_checksum_fletcher32).</summary>
    public static uint Fletcher32(ReadOnlySpan<byte> data)
    {
        uint sum1 = 0, sum2 = 0;
        var len = data.Length / 2;
        var p = 0;
        while (len > 0)
        {
            var tlen = Math.Min(len, 360);
            len -= tlen;
            do
            {
                sum1 += (uint)((data[p] << 8) | data[p + 1]);
                p += 2;
                sum2 += sum1;
            } while (--tlen > 0);
            sum1 = (sum1 & 0xffff) + (sum1 >> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        }
        if ((data.Length & 1) != 0)
        {
            sum1 += (uint)(data[p] << 8);
            sum2 += sum1;
            sum1 = (sum1 & 0xffff) + (sum1 >> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        }
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        return (sum2 << 16) | sum1;
    }
}
