using System.Text;

namespace Portal.Core.Hdf5;

/// <summary>Lists a group's members (old-style symbol tables, compact links, dense links) and an object's attributes.</summary>
internal static class H5Links
{
    private const int MaxTreeDepth = 64;

    public static List<(string Name, long Address)> Links(H5Context ctx, H5ObjectHeader header)
    {
        var links = new List<(string, long)>();
        var stab = header.Find(H5Message.SymbolTable);
        if (stab is not null)
        {
            var c = stab.Cursor(ctx);
            var btree = c.Address();
            var heap = c.Address();
            var names = LocalHeap(ctx, heap);
            var visited = new HashSet<long>();
            WalkGroupTree(ctx, btree, names, links, visited, 0);
        }
        foreach (var m in header.Messages)
        {
            if (m.Type != H5Message.Link) continue;
            var (name, address) = H5Messages.Link(m.Cursor(ctx));
            if (address >= 0) links.Add((name, address));
        }
        var info = header.Find(H5Message.LinkInfo);
        if (info is not null)
        {
            var (heapAddress, nameIndex) = H5Messages.LinkOrAttributeInfo(info.Cursor(ctx), attribute: false);
            if (heapAddress >= 0 && nameIndex >= 0)
            {
                var heap = new H5FractalHeap(ctx, heapAddress);
                var tree = new H5BTree2(ctx, nameIndex);
                tree.Iterate(record =>
                {
                    // Type 5 (name index): hash(4) + heap id; type 6 (creation order): order(8) + heap id.
                    var idStart = tree.Type == 6 ? 8 : 4;
                    var obj = heap.Read(record[idStart..]);
                    var (name, address) = H5Messages.Link(new H5Cursor(obj, heapAddress, ctx.OffsetSize, ctx.LengthSize));
                    if (address >= 0) links.Add((name, address));
                });
            }
        }
        links.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return links;
    }

    public static List<H5Attribute> Attributes(H5Context ctx, H5ObjectHeader header)
    {
        var result = new List<H5Attribute>();
        foreach (var m in header.Messages)
            if (m.Type == H5Message.Attribute) result.Add(H5Messages.Attribute(m.Cursor(ctx), ctx));
        var info = header.Find(H5Message.AttributeInfo);
        if (info is not null)
        {
            var (heapAddress, nameIndex) = H5Messages.LinkOrAttributeInfo(info.Cursor(ctx), attribute: true);
            if (heapAddress >= 0 && nameIndex >= 0)
            {
                var heap = new H5FractalHeap(ctx, heapAddress);
                var tree = new H5BTree2(ctx, nameIndex);
                tree.Iterate(record =>
                {
                    // Types 8/9: heap id(8) + message flags(1) + ...
                    if ((record[8] & 0x02) != 0) throw new Hdf5FormatException("shared attribute messages are not supported", nameIndex);
                    var obj = heap.Read(record[..8]);
                    result.Add(H5Messages.Attribute(new H5Cursor(obj, heapAddress, ctx.OffsetSize, ctx.LengthSize), ctx));
                });
            }
        }
        return result;
    }

    private static Func<long, string> LocalHeap(H5Context ctx, long address)
    {
        var c = ctx.Cursor(address, 8 + 2 * ctx.LengthSize + ctx.OffsetSize, "local heap");
        c.Signature("HEAP");
        var version = c.U8();
        if (version != 0) throw c.Error($"unsupported local heap version {version}");
        c.Skip(3);
        var size = c.Len();
        c.Len();
        var dataAddress = c.Address();
        var data = ctx.Read(dataAddress, size, "local heap data");
        return offset =>
        {
            if (offset < 0 || offset >= data.Length) throw new Hdf5FormatException($"name offset {offset} outside the local heap", dataAddress);
            var span = data.AsSpan((int)offset);
            var end = span.IndexOf((byte)0);
            if (end < 0) throw new Hdf5FormatException("unterminated name in local heap", dataAddress + offset);
            return Encoding.UTF8.GetString(span[..end]);
        };
    }

    private static void WalkGroupTree(H5Context ctx, long address, Func<long, string> names, List<(string, long)> links, HashSet<long> visited, int depth)
    {
        if (address < 0) return;
        if (depth > MaxTreeDepth || !visited.Add(address)) throw new Hdf5FormatException("group B-tree is cyclic or too deep", address);
        var head = ctx.Cursor(address, 8 + 2 * ctx.OffsetSize, "group B-tree node");
        head.Signature("TREE");
        var type = head.U8();
        var level = head.U8();
        var entries = head.U16();
        if (type != 0) throw head.Error($"expected a group B-tree node, found type {type}");
        var body = ctx.Cursor(address + head.Length, (long)(entries + 1) * ctx.LengthSize + (long)entries * ctx.OffsetSize, "group B-tree node");
        for (var i = 0; i < entries; i++)
        {
            body.Len(); // key: heap offset of the bounding name
            var child = body.Address();
            if (level > 0) WalkGroupTree(ctx, child, names, links, visited, depth + 1);
            else ReadSymbolNode(ctx, child, names, links, visited);
        }
    }

    private static void ReadSymbolNode(H5Context ctx, long address, Func<long, string> names, List<(string, long)> links, HashSet<long> visited)
    {
        if (!visited.Add(address)) throw new Hdf5FormatException("symbol table node listed twice", address);
        var head = ctx.Cursor(address, 8, "symbol table node");
        head.Signature("SNOD");
        var version = head.U8();
        if (version != 1) throw head.Error($"unsupported symbol table node version {version}");
        head.Skip(1);
        var count = head.U16();
        var entrySize = 2 * ctx.OffsetSize + 24;
        var c = ctx.Cursor(address + 8, (long)count * entrySize, "symbol table node");
        for (var i = 0; i < count; i++)
        {
            var start = c.Position;
            var nameOffset = c.Checked(c.UVar(ctx.OffsetSize), "name offset");
            var objectHeader = c.Address();
            c.Position = start + entrySize;
            links.Add((names(nameOffset), objectHeader));
        }
    }
}
