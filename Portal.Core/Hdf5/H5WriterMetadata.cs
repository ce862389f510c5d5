using System.Text;

namespace Portal.Core.Hdf5;

// Metadata emitted on commit: children before parents, so every address is known when it is encoded.
public sealed partial class H5Writer
{
    internal void AbandonDataset(H5DatasetStreamBase stream, DatasetInfo info)
    {
        if (OpenStream == stream) OpenStream = null;
        RemoveDataset(_root, info);
    }

    private static bool RemoveDataset(WNode group, DatasetInfo info)
    {
        foreach (var (name, child) in group.Children)
        {
            if (child.Dataset == info) { group.Children.Remove(name); return true; }
            if (child.IsGroup && RemoveDataset(child, info)) return true;
        }
        return false;
    }

    private (long Header, long BTree, long Heap) WriteGroup(WNode group)
    {
        var entries = new List<(byte[] Name, long Header, long BTree, long Heap)>();
        foreach (var child in group.Children.Values)
        {
            var name = Encoding.UTF8.GetBytes(child.Name);
            if (child.IsGroup)
            {
                var (h, b, hp) = WriteGroup(child);
                entries.Add((name, h, b, hp));
            }
            else
            {
                entries.Add((name, WriteDatasetHeader(child), H5Encode.Undefined, H5Encode.Undefined));
            }
        }
        // Symbol-table nodes must list names in strcmp order.
        entries.Sort((a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));

        // Local heap: offset 0 holds the empty string (the B-tree's leftmost key), then each name.
        var heapData = new H5Buffer().Zeros(8);
        var nameOffsets = new long[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            nameOffsets[i] = heapData.Length;
            heapData.Bytes(entries[i].Name).U8(0).Align(8);
        }
        var heapAddress = _eof;
        // Free-list head 1 is libhdf5's on-disk "no free block" marker.
        var heap = new H5Buffer().Ascii("HEAP").U8(0).Zeros(3).U64(heapData.Length).U64(1).U64(heapAddress + 32).Bytes(heapData.Span);
        Append(heap.Span);

        // Symbol-table nodes of up to 2K entries each, written back to back.
        const int perNode = 2 * H5Encode.GroupLeafK;
        var nodeSize = 8 + perNode * H5Encode.SymbolEntrySize;
        var items = new List<(long Address, byte[] Left, byte[] Right)>();
        byte[] Key(long offset) => new H5Buffer().U64(offset).ToArray();
        var left = Key(0);
        for (var start = 0; start < entries.Count; start += perNode)
        {
            var count = Math.Min(perNode, entries.Count - start);
            var b = new H5Buffer().Ascii("SNOD").U8(1).U8(0).U16(count);
            for (var i = start; i < start + count; i++)
                H5Encode.SymbolEntry(b, nameOffsets[i], entries[i].Header, entries[i].BTree, entries[i].Heap);
            b.Zeros(nodeSize - b.Length);
            var right = Key(nameOffsets[start + count - 1]);
            items.Add((Append(b.Span), left, right));
            left = right;
        }
        var btree = WriteBTree(0, H5Encode.GroupInternalK, 8, items, Key(0));

        var messages = new List<(int, byte[])> { (H5Encode.MsgSymbolTable, H5Encode.SymbolTable(btree, heapAddress)) };
        foreach (var a in group.Attributes.Values) messages.Add((H5Encode.MsgAttribute, a));
        return (Append(H5Encode.ObjectHeader(messages)), btree, heapAddress);
    }

    private long WriteDatasetHeader(WNode node)
    {
        var info = node.Dataset!;
        var messages = new List<(int, byte[])>
        {
            (H5Encode.MsgDataspace, H5Encode.Dataspace(info.Shape)),
            (H5Encode.MsgDatatype, H5Encode.Datatype(info.Type)),
            (H5Encode.MsgFill, H5Encode.FillValue(info.Layout.IsChunked)),
        };
        if (info.Layout.IsChunked)
        {
            messages.Add((H5Encode.MsgLayout, H5Encode.ChunkedLayout(WriteChunkIndex(info), info.ChunkDims, info.Type.Size)));
            if (info.Layout.Shuffle || info.Layout.DeflateLevel > 0)
                messages.Add((H5Encode.MsgFilters, H5Encode.Filters(info.Layout, info.Type.Size)));
        }
        else
        {
            long bytes = info.Type.Size;
            foreach (var d in info.Shape) bytes *= d;
            messages.Add((H5Encode.MsgLayout, H5Encode.ContiguousLayout(info.Address, bytes)));
        }
        foreach (var a in node.Attributes.Values) messages.Add((H5Encode.MsgAttribute, a));
        return Append(H5Encode.ObjectHeader(messages));
    }

    /// <summary>Version-1 B-tree (type 1) over the chunks; keys carry chunk size, filter mask and offsets.</summary>
    private long WriteChunkIndex(DatasetInfo info)
    {
        if (info.Chunks.Count == 0) return H5Encode.Undefined;
        var rank = info.Shape.Length;
        byte[] Key(int size, long firstRow, bool end)
        {
            var b = new H5Buffer().U32(size).U32(0).U64(firstRow);
            for (var d = 1; d < rank; d++) b.U64(end ? info.ChunkDims[d] : 0);
            return b.U64(end ? info.Type.Size : 0).ToArray();
        }
        var items = new List<(long, byte[], byte[])>(info.Chunks.Count);
        for (var i = 0; i < info.Chunks.Count; i++)
        {
            var c = info.Chunks[i];
            var right = i + 1 < info.Chunks.Count
                ? Key(info.Chunks[i + 1].Size, info.Chunks[i + 1].FirstRow, false)
                : Key(0, c.FirstRow + info.ChunkDims[0], true);
            items.Add((c.Address, Key(c.Size, c.FirstRow, false), right));
        }
        return WriteBTree(1, H5Encode.ChunkK, 8 + 8 * (rank + 1), items, null);
    }

    /// <summary>
    /// Writes a version-1 B-tree bottom-up: each level's nodes are consecutive, so sibling addresses are
    /// known in advance. Key i+1 of a node is the right key of child i (its upper bound).
    /// </summary>
    private long WriteBTree(int type, int k, int keySize, List<(long Address, byte[] Left, byte[] Right)> items, byte[]? emptyKey)
    {
        var nodeSize = H5Encode.BTreeNodeSize(k, keySize);
        var perNode = 2 * k;
        if (items.Count == 0)
        {
            var b = new H5Buffer().Ascii("TREE").U8(type).U8(0).U16(0).U64(H5Encode.Undefined).U64(H5Encode.Undefined).Bytes(emptyKey!);
            b.Zeros(nodeSize - b.Length);
            return Append(b.Span);
        }
        for (var level = 0; ; level++)
        {
            var nodes = (items.Count + perNode - 1) / perNode;
            var first = _eof;
            var next = new List<(long, byte[], byte[])>(nodes);
            for (var n = 0; n < nodes; n++)
            {
                var slice = items.GetRange(n * perNode, Math.Min(perNode, items.Count - n * perNode));
                var b = new H5Buffer().Ascii("TREE").U8(type).U8(level).U16(slice.Count)
                    .U64(n > 0 ? first + (n - 1) * (long)nodeSize : H5Encode.Undefined)
                    .U64(n < nodes - 1 ? first + (n + 1) * (long)nodeSize : H5Encode.Undefined)
                    .Bytes(slice[0].Left);
                foreach (var (address, _, right) in slice) b.U64(address).Bytes(right);
                b.Zeros(nodeSize - b.Length);
                next.Add((Append(b.Span), slice[0].Left, slice[^1].Right));
            }
            if (nodes == 1) return first;
            items = next;
        }
    }
}
