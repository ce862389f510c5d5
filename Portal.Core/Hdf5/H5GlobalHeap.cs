using System.Text;

namespace Portal.Core.Hdf5;

/// <summary>Resolves variable-length string elements (length, collection address, object index) via global heap collections.</summary>
internal static class H5GlobalHeap
{
    public static string[] Strings(H5Context ctx, byte[] raw, H5DataType type, long count)
    {
        var collections = new Dictionary<long, Dictionary<int, byte[]>>();
        var c = new H5Cursor(raw, -1, ctx.OffsetSize, ctx.LengthSize);
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            c.Position = checked(i * type.Size);
            var length = c.U32();
            var collection = c.Address();
            var index = (int)c.U32();
            if (length == 0 || collection <= 0) { result[i] = ""; continue; }
            if (!collections.TryGetValue(collection, out var objects))
                collections[collection] = objects = Read(ctx, collection);
            if (!objects.TryGetValue(index, out var data)) throw new Hdf5FormatException($"global heap object {index} not found", collection);
            var bytes = data.AsSpan(0, (int)Math.Min(length, (uint)data.Length));
            var nul = bytes.IndexOf((byte)0);
            result[i] = Encoding.UTF8.GetString(nul >= 0 ? bytes[..nul] : bytes);
        }
        return result;
    }

    private static Dictionary<int, byte[]> Read(H5Context ctx, long address)
    {
        var head = ctx.Cursor(address, 8 + ctx.LengthSize, "global heap collection");
        head.Signature("GCOL");
        if (head.U8() != 1) throw head.Error("unsupported global heap version");
        head.Skip(3);
        var size = head.Len();
        var c = ctx.Cursor(address, size, "global heap collection");
        c.Position = 8 + ctx.LengthSize;
        var objects = new Dictionary<int, byte[]>();
        while (c.Remaining >= 8 + ctx.LengthSize)
        {
            var index = c.U16();
            c.Skip(6);
            var objectSize = c.Len();
            if (index == 0) break; // free space runs to the end of the collection
            if (objectSize > c.Remaining) throw c.Error("global heap object overruns its collection");
            objects[index] = c.ByteArray((int)objectSize);
            c.AlignTo(8);
        }
        return objects;
    }
}
