namespace Portal.Core.Hdf5;

internal readonly record struct H5ChunkLocation(long Address, long Size, uint FilterMask);

/// <summary>
/// Loads every chunk address of a dataset, keyed by linear chunk index (row-major over the chunk grid).
/// Supports v1 B-trees (layout v3) and the single-chunk, implicit and fixed-array indexes (layout v4).
/// </summary>
internal static class H5ChunkIndex
{
    public static Dictionary<long, H5ChunkLocation> Load(H5Context ctx, H5LayoutInfo layout, long[] gridDims, long chunkBytes, bool filtered)
    {
        var map = new Dictionary<long, H5ChunkLocation>();
        if (layout.Address < 0) return map; // nothing allocated yet: all fill
        long chunkCount = 1;
        foreach (var g in gridDims) chunkCount = checked(chunkCount * g);
        switch (layout.IndexType)
        {
            case H5ChunkIndexType.BTreeV1:
                WalkBTree(ctx, layout, gridDims, map, layout.Address, new HashSet<long>(), 0, chunkCount);
                break;
            case H5ChunkIndexType.SingleChunk:
                map[0] = new H5ChunkLocation(layout.Address, layout.SingleChunkFilteredSize >= 0 ? layout.SingleChunkFilteredSize : chunkBytes, layout.SingleChunkFilterMask);
                break;
            case H5ChunkIndexType.Implicit:
                if (checked(chunkCount * chunkBytes) > ctx.FileLength) throw new Hdf5FormatException("implicit chunk index larger than the file", layout.Address);
                for (long i = 0; i < chunkCount; i++) map[i] = new H5ChunkLocation(layout.Address + i * chunkBytes, chunkBytes, 0);
                break;
            case H5ChunkIndexType.FixedArray:
                FixedArray(ctx, layout.Address, chunkBytes, chunkCount, filtered, map);
                break;
            case H5ChunkIndexType.ExtensibleArray:
                H5ExtensibleArray.Load(ctx, layout.Address, chunkBytes, (index, location) => map[index] = location);
                break;
            case H5ChunkIndexType.BTreeV2:
                BTree2(ctx, layout.Address, gridDims, chunkBytes, map);
                break;
            default:
                throw new Hdf5FormatException($"chunk index type {layout.IndexType} is not supported", layout.Address);
        }
        return map;
    }

    private static long Linear(ReadOnlySpan<long> scaled, long[] grid)
    {
        long index = 0;
        for (var i = 0; i < grid.Length; i++)
        {
            if (scaled[i] < 0 || scaled[i] >= grid[i]) return -1;
            index = index * grid[i] + scaled[i];
        }
        return index;
    }

    private static void WalkBTree(H5Context ctx, H5LayoutInfo layout, long[] grid, Dictionary<long, H5ChunkLocation> map,
        long address, HashSet<long> visited, int depth, long chunkCount)
    {
        if (depth > 64 || !visited.Add(address) || visited.Count > chunkCount + 1024)
            throw new Hdf5FormatException("chunk B-tree is cyclic or too deep", address);
        var rank = layout.ChunkDims.Length;
        var keySize = 8 + 8 * (rank + 1);
        var head = ctx.Cursor(address, 8 + 2 * ctx.OffsetSize, "chunk B-tree node");
        head.Signature("TREE");
        var type = head.U8();
        var level = head.U8();
        var entries = head.U16();
        if (type != 1) throw head.Error($"expected a chunk B-tree node, found type {type}");
        var c = ctx.Cursor(address + head.Length, (long)(entries + 1) * keySize + (long)entries * ctx.OffsetSize, "chunk B-tree node");
        Span<long> scaled = stackalloc long[rank];
        for (var i = 0; i < entries; i++)
        {
            var size = c.U32();
            var mask = c.U32();
            for (var d = 0; d < rank; d++)
            {
                var off = c.Checked(c.U64(), "chunk offset");
                if (off % layout.ChunkDims[d] != 0) throw c.Error("chunk offset not aligned to the chunk size");
                scaled[d] = off / layout.ChunkDims[d];
            }
            c.U64();
            var child = c.Address();
            if (level > 0)
            {
                WalkBTree(ctx, layout, grid, map, child, visited, depth + 1, chunkCount);
                continue;
            }
            var index = Linear(scaled, grid);
            if (index < 0) throw c.Error("chunk lies outside the dataset");
            map[index] = new H5ChunkLocation(child, size, mask);
        }
    }

    /// <summary>Version-2 B-tree of chunk records (type 10 plain, 11 filtered) with scaled coordinates.</summary>
    private static void BTree2(H5Context ctx, long address, long[] grid, long chunkBytes, Dictionary<long, H5ChunkLocation> map)
    {
        var tree = new H5BTree2(ctx, address);
        if (tree.Type is not (10 or 11)) throw new Hdf5FormatException($"v2 B-tree of type {tree.Type} is not a chunk index", address);
        var rank = grid.Length;
        var scaled = new long[rank];
        tree.Iterate(record =>
        {
            var c = new H5Cursor(record.ToArray(), address, ctx.OffsetSize, ctx.LengthSize);
            var chunk = c.Address();
            long size = chunkBytes;
            uint mask = 0;
            if (tree.Type == 11)
            {
                size = c.Checked(c.UVar(record.Length - ctx.OffsetSize - 4 - 8 * rank), "chunk size");
                mask = c.U32();
            }
            for (var i = 0; i < rank; i++) scaled[i] = c.Checked(c.U64(), "chunk coordinate");
            var index = Linear(scaled, grid);
            if (chunk >= 0 && index >= 0) map[index] = new H5ChunkLocation(chunk, size, mask);
        });
    }

    private static void FixedArray(H5Context ctx, long address, long chunkBytes, long chunkCount, bool filtered, Dictionary<long, H5ChunkLocation> map)
    {
        var h = ctx.Cursor(address, 12 + ctx.LengthSize + ctx.OffsetSize, "fixed array header");
        h.Signature("FAHD");
        if (h.U8() != 0) throw h.Error("unsupported fixed array version");
        var client = h.U8();
        var elementSize = h.U8();
        var pageBits = h.U8();
        var count = h.Len();
        var dataBlock = h.Address();
        if (count > chunkCount) throw h.Error("fixed array holds more entries than the dataset has chunks");
        if (pageBits > 32 || elementSize < ctx.OffsetSize + (client == 1 ? 5 : 0)) throw h.Error("invalid fixed array parameters");
        if (dataBlock < 0) return;
        var pageSize = 1L << pageBits;
        var paged = count > pageSize;
        var prefix = 6 + ctx.OffsetSize;
        var pages = paged ? (count + pageSize - 1) / pageSize : 1;
        var bitmap = paged ? (int)((pages + 7) / 8) : 0;
        var sizeBytes = elementSize - ctx.OffsetSize - 4;
        var head = ctx.Cursor(dataBlock, prefix, "fixed array data block");
        head.Signature("FADB");
        long position = paged ? dataBlock + prefix + bitmap + 4 : dataBlock + prefix;
        for (long page = 0, index = 0; page < pages; page++)
        {
            var inPage = paged ? Math.Min(pageSize, count - page * pageSize) : count;
            var c = ctx.Cursor(position, inPage * elementSize, "fixed array page");
            for (long i = 0; i < inPage; i++, index++)
            {
                var chunk = c.Address();
                long size = chunkBytes;
                uint mask = 0;
                if (client == 1 || filtered && elementSize > ctx.OffsetSize)
                {
                    size = c.Checked(c.UVar(sizeBytes), "chunk size");
                    mask = c.U32();
                }
                if (chunk >= 0) map[index] = new H5ChunkLocation(chunk, size, mask);
            }
            position += inPage * elementSize + 4;
        }
    }
}
