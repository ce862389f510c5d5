using System.Numerics;

namespace Portal.Core.Hdf5;

/// <summary>
/// Extensible-array chunk index (datasets with one unlimited dimension, latest file format): walks the
/// index block, super blocks and (possibly paged) data blocks and reports every allocated chunk.
/// </summary>
internal static class H5ExtensibleArray
{
    public static void Load(H5Context ctx, long address, long chunkBytes, Action<long, H5ChunkLocation> add)
    {
        var o = ctx.OffsetSize;
        var h = ctx.Cursor(address, 16 + 6 * ctx.LengthSize + o, "extensible array header");
        h.Signature("EAHD");
        if (h.U8() != 0) throw h.Error("unsupported extensible array version");
        var client = h.U8();
        var elementSize = h.U8();
        var maxBits = h.U8();
        var indexElements = h.U8();
        var dataMin = h.U8();
        var superMinPointers = h.U8();
        var pageBits = h.U8();
        for (var i = 0; i < 4; i++) h.Len();
        var maxIndexSet = h.Len();
        h.Len();
        var indexBlock = h.Address();
        if (maxBits is 0 or > 64 || dataMin == 0 || !BitOperations.IsPow2(dataMin) || superMinPointers == 0
            || !BitOperations.IsPow2(superMinPointers) || pageBits > 32 || elementSize < o + (client == 1 ? 5 : 0))
            throw h.Error("invalid extensible array parameters");
        if (indexBlock < 0 || maxIndexSet == 0) return;
        if (maxIndexSet > ctx.FileLength) throw h.Error("extensible array claims more chunks than the file can hold");
        var offsetBytes = (maxBits + 7) / 8;
        var sizeBytes = elementSize - o - 4;
        var pageElements = 1L << pageBits;

        // Super block geometry (H5EA__hdr_init).
        var superBlocks = 1 + maxBits - BitOperations.Log2(dataMin);
        var ndblks = new long[superBlocks];
        var dblkElements = new long[superBlocks];
        var startIndex = new long[superBlocks];
        var startBlock = new long[superBlocks];
        for (long u = 0, idx = 0, blk = 0; u < superBlocks; u++)
        {
            ndblks[u] = 1L << (int)(u / 2);
            dblkElements[u] = (1L << (int)((u + 1) / 2)) * dataMin;
            startIndex[u] = idx;
            startBlock[u] = blk;
            idx += ndblks[u] * dblkElements[u];
            blk += ndblks[u];
        }
        var iblockSupers = 2 * BitOperations.Log2(superMinPointers);
        var iblockDataAddrs = 2 * (superMinPointers - 1);
        var iblockSuperAddrs = Math.Max(0, superBlocks - iblockSupers);

        var ib = ctx.Cursor(indexBlock, 6 + o + indexElements * elementSize + (iblockDataAddrs + iblockSuperAddrs) * o, "extensible array index block");
        ib.Signature("EAIB");
        ib.Skip(2 + o);
        var direct = ib.ByteArray(indexElements * elementSize);
        var dataAddrs = new long[iblockDataAddrs];
        for (var i = 0; i < dataAddrs.Length; i++) dataAddrs[i] = ib.Address();
        var superAddrs = new long[iblockSuperAddrs];
        for (var i = 0; i < superAddrs.Length; i++) superAddrs[i] = ib.Address();

        void Element(H5Cursor c, long index)
        {
            var chunk = c.Address();
            long size = chunkBytes;
            uint mask = 0;
            if (client == 1)
            {
                size = c.Checked(c.UVar(sizeBytes), "chunk size");
                mask = c.U32();
            }
            if (chunk >= 0) add(index, new H5ChunkLocation(chunk, size, mask));
        }

        var dc = new H5Cursor(direct, indexBlock, o, ctx.LengthSize);
        for (long i = 0; i < Math.Min(indexElements, maxIndexSet); i++) Element(dc, i);

        // Reads one data block (all pages whose bit is set) and reports its elements.
        void DataBlock(long block, long firstIndex, long elements, byte[]? bitmap, long bitmapStart)
        {
            if (block < 0) return;
            var prefix = 6 + o + offsetBytes;
            var head = ctx.Cursor(block, prefix, "extensible array data block");
            head.Signature("EADB");
            var count = Math.Min(elements, maxIndexSet - firstIndex);
            if (count <= 0) return;
            if (elements <= pageElements)
            {
                var c = ctx.Cursor(block + prefix, count * elementSize, "extensible array data block");
                for (long i = 0; i < count; i++) Element(c, firstIndex + i);
                return;
            }
            var pageSize = pageElements * elementSize + 4;
            for (long p = 0; p * pageElements < count; p++)
            {
                if (bitmap is not null)
                {
                    var bit = bitmapStart + p;
                    if (bit / 8 >= bitmap.Length || (bitmap[bit / 8] & (1 << (int)(bit % 8))) == 0) continue;
                }
                var inPage = Math.Min(pageElements, count - p * pageElements);
                var c = ctx.Cursor(block + prefix + 4 + p * pageSize, inPage * elementSize, "extensible array page");
                for (long i = 0; i < inPage; i++) Element(c, firstIndex + p * pageElements + i);
            }
        }

        for (var s = 0; s < superBlocks; s++)
        {
            var first = indexElements + startIndex[s];
            if (first >= maxIndexSet) break;
            if (s < iblockSupers)
            {
                for (long d = 0; d < ndblks[s]; d++)
                {
                    var slot = startBlock[s] + d;
                    if (slot >= dataAddrs.Length) throw new Hdf5FormatException("extensible array index block too small", indexBlock);
                    DataBlock(dataAddrs[slot], first + d * dblkElements[s], dblkElements[s], null, 0);
                }
                continue;
            }
            var sb = superAddrs[s - iblockSupers];
            if (sb < 0) continue;
            var pages = dblkElements[s] > pageElements ? dblkElements[s] / pageElements : 0;
            var bitmapBytes = pages > 0 ? ndblks[s] * ((pages + 7) / 8) : 0;
            var sc = ctx.Cursor(sb, 6 + o + offsetBytes + bitmapBytes + ndblks[s] * o, "extensible array super block");
            sc.Signature("EASB");
            sc.Skip(2 + o + offsetBytes);
            var bitmap = bitmapBytes > 0 ? sc.ByteArray((int)bitmapBytes) : null;
            for (long d = 0; d < ndblks[s]; d++)
                DataBlock(sc.Address(), first + d * dblkElements[s], dblkElements[s], bitmap, d * ((pages + 7) / 8) * 8);
        }
    }
}
