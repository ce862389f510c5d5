using System.Text;

namespace Portal.Core.Hdf5;

internal sealed record H5Space(long[] Dims, long[]? MaxDims, bool IsNull)
{
    public long ElementCount
    {
        get
        {
            if (IsNull) return 0;
            long n = 1;
            foreach (var d in Dims) n = checked(n * d);
            return n;
        }
    }
}

internal sealed record H5FilterInfo(int Id, int Flags, string? Name, uint[] Values)
{
    public bool Optional => (Flags & 1) != 0;
}

internal enum H5ChunkIndexType { BTreeV1 = 0, SingleChunk = 1, Implicit = 2, FixedArray = 3, ExtensibleArray = 4, BTreeV2 = 5 }

internal sealed class H5LayoutInfo
{
    public H5StorageLayout Class { get; init; }
    public long Address { get; init; } = -1;
    public long Size { get; init; }
    public byte[]? CompactData { get; init; }
    public long[] ChunkDims { get; init; } = [];
    public int Version { get; init; }
    public H5ChunkIndexType IndexType { get; init; }
    public int Flags { get; init; }
    public long SingleChunkFilteredSize { get; init; } = -1;
    public uint SingleChunkFilterMask { get; init; }
}

/// <summary>Decoders for the header messages the reader understands.</summary>
internal static class H5Messages
{
    public static H5Space Dataspace(H5Cursor c)
    {
        var version = c.U8();
        if (version is < 1 or > 2) throw c.Error($"unsupported dataspace version {version}");
        var rank = c.U8();
        var flags = c.U8();
        var isNull = false;
        if (version == 1) c.Skip(5);
        else isNull = c.U8() == 2;
        if (rank > 32) throw c.Error($"dataspace rank {rank} exceeds 32");
        var dims = new long[rank];
        for (var i = 0; i < rank; i++) dims[i] = c.Len();
        long[]? max = null;
        if ((flags & 1) != 0)
        {
            max = new long[rank];
            for (var i = 0; i < rank; i++)
            {
                var v = c.UVar(c.LengthSize);
                max[i] = v > long.MaxValue ? -1 : (long)v; // all bits set = unlimited
            }
        }
        var space = new H5Space(dims, max, isNull);
        try { _ = space.ElementCount; }
        catch (OverflowException) { throw c.Error("dataspace element count overflows"); }
        return space;
    }

    public static H5DataType Datatype(H5Cursor c)
    {
        var classVersion = c.U8();
        var cls = classVersion & 0x0F;
        var version = classVersion >> 4;
        if (version is < 1 or > 4) throw c.Error($"unsupported datatype version {version}");
        var b0 = c.U8();
        c.Skip(2);
        var size = c.U32();
        if (size is 0 or > int.MaxValue) throw c.Error($"invalid datatype size {size}");
        var s = (int)size;
        switch (cls)
        {
            case 0:
                return s is 1 or 2 or 4 or 8
                    ? new H5DataType(H5TypeKind.Integer, s, (b0 & 0x08) != 0, (b0 & 1) != 0, TypeClass: 0)
                    : new H5DataType(H5TypeKind.Other, s, false, TypeClass: 0);
            case 1:
                {
                    var order = (b0 & 1) | ((b0 >> 5) & 2);
                    if (order > 1 || s is not (4 or 8)) return new H5DataType(H5TypeKind.Other, s, true, TypeClass: 1);
                    return new H5DataType(H5TypeKind.Float, s, true, order == 1, TypeClass: 1);
                }
            case 3:
                return new H5DataType(H5TypeKind.String, s, false, Utf8: (b0 >> 4) == 1, TypeClass: 3)
                { Padding = b0 & 0x0F };
            case 9 when (b0 & 0x0F) == 1:
                {
                    // Variable-length string: bits 4-7 padding, next byte's low nibble the character set.
                    c.Position -= 6;
                    var b1 = c.U8();
                    c.Skip(5);
                    return new H5DataType(H5TypeKind.String, s, false, Utf8: (b1 & 0x0F) == 1, TypeClass: 9)
                    { Padding = b0 >> 4, VariableLength = true };
                }
            default:
                return new H5DataType(H5TypeKind.Other, s, false, TypeClass: cls);
        }
    }

    public static H5LayoutInfo Layout(H5Cursor c, H5Space space, H5DataType type)
    {
        var version = c.U8();
        if (version is 1 or 2)
        {
            var rank = c.U8();
            var cls = c.U8();
            c.Skip(5);
            var address = cls == 0 ? -1 : c.Address();
            if (rank is < 1 or > 33) throw c.Error($"invalid layout rank {rank}");
            var dims = new long[rank];
            for (var i = 0; i < rank; i++) dims[i] = c.U32();
            return cls switch
            {
                0 => new H5LayoutInfo { Version = version, Class = H5StorageLayout.Compact, CompactData = c.ByteArray(checked((int)c.U32())) },
                1 => new H5LayoutInfo { Version = version, Class = H5StorageLayout.Contiguous, Address = address, Size = checked(space.ElementCount * type.Size) },
                2 => new H5LayoutInfo { Version = version, Class = H5StorageLayout.Chunked, Address = address, ChunkDims = dims[..^1] },
                _ => throw c.Error($"unknown layout class {cls}"),
            };
        }
        if (version is not (3 or 4)) throw c.Error($"unsupported layout version {version}");
        var layoutClass = c.U8();
        switch (layoutClass)
        {
            case 0:
                return new H5LayoutInfo { Version = version, Class = H5StorageLayout.Compact, CompactData = c.ByteArray(c.U16()) };
            case 1:
                return new H5LayoutInfo { Version = version, Class = H5StorageLayout.Contiguous, Address = c.Address(), Size = c.Len() };
            case 2 when version == 3:
                {
                    var rank = c.U8();
                    if (rank is < 2 or > 33) throw c.Error($"invalid chunk rank {rank}");
                    var address = c.Address();
                    var dims = new long[rank];
                    for (var i = 0; i < rank; i++) dims[i] = c.U32();
                    return new H5LayoutInfo { Version = 3, Class = H5StorageLayout.Chunked, Address = address, ChunkDims = dims[..^1], IndexType = H5ChunkIndexType.BTreeV1 };
                }
            case 2:
                {
                    var flags = c.U8();
                    var rank = c.U8();
                    if (rank is < 2 or > 33) throw c.Error($"invalid chunk rank {rank}");
                    var encLen = c.U8();
                    var dims = new long[rank];
                    for (var i = 0; i < rank; i++) dims[i] = c.Checked(c.UVar(encLen), "chunk dimension");
                    var index = (H5ChunkIndexType)c.U8();
                    long filteredSize = -1;
                    uint mask = 0;
                    switch (index)
                    {
                        case H5ChunkIndexType.SingleChunk when (flags & 2) != 0:
                            filteredSize = c.Len();
                            mask = c.U32();
                            break;
                        case H5ChunkIndexType.SingleChunk or H5ChunkIndexType.Implicit:
                            break;
                        case H5ChunkIndexType.FixedArray:
                            c.Skip(1);
                            break;
                        case H5ChunkIndexType.ExtensibleArray:
                            c.Skip(5);
                            break;
                        case H5ChunkIndexType.BTreeV2:
                            c.Skip(6);
                            break;
                        default:
                            throw c.Error($"unknown chunk index type {(int)index}");
                    }
                    return new H5LayoutInfo
                    {
                        Version = 4, Class = H5StorageLayout.Chunked, Flags = flags, ChunkDims = dims[..^1], IndexType = index,
                        SingleChunkFilteredSize = filteredSize, SingleChunkFilterMask = mask, Address = c.Address(),
                    };
                }
            default:
                throw c.Error($"unsupported layout class {layoutClass} (virtual datasets are not supported)");
        }
    }

    public static List<H5FilterInfo> Filters(H5Cursor c)
    {
        var version = c.U8();
        if (version is not (1 or 2)) throw c.Error($"unsupported filter pipeline version {version}");
        var count = c.U8();
        if (version == 1) c.Skip(6);
        var filters = new List<H5FilterInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var id = c.U16();
            var nameLength = version == 1 || id >= 256 ? c.U16() : 0;
            var flags = c.U16();
            var nValues = c.U16();
            string? name = null;
            if (nameLength > 0)
            {
                var raw = c.Bytes(nameLength);
                var end = raw.IndexOf((byte)0);
                name = Encoding.ASCII.GetString(end >= 0 ? raw[..end] : raw);
            }
            var values = new uint[nValues];
            for (var v = 0; v < nValues; v++) values[v] = c.U32();
            if (version == 1 && nValues % 2 == 1) c.Skip(4);
            filters.Add(new H5FilterInfo(id, flags, name, values));
        }
        return filters;
    }

    /// <summary>Fill value bytes from the new (0x05) or old (0x04) message, or null for zeros.</summary>
    public static byte[]? FillValue(H5Message? fill, H5Message? old, H5Context ctx, int elementSize)
    {
        if (fill is not null)
        {
            var c = fill.Cursor(ctx);
            var version = c.U8();
            byte[]? value = null;
            if (version is 1 or 2)
            {
                c.Skip(2);
                var defined = c.U8();
                if (version == 1 || defined != 0)
                {
                    var size = c.U32();
                    if (size > 0) value = c.ByteArray(checked((int)size));
                }
            }
            else if (version == 3)
            {
                var flags = c.U8();
                if ((flags & 0x20) != 0)
                {
                    var size = c.U32();
                    if (size > 0) value = c.ByteArray(checked((int)size));
                }
            }
            else throw c.Error($"unsupported fill value version {version}");
            return value is not null && value.Length == elementSize ? value : null;
        }
        if (old is not null)
        {
            var c = old.Cursor(ctx);
            var size = c.U32();
            if (size == elementSize && size > 0) return c.ByteArray((int)size);
        }
        return null;
    }

    /// <summary>Link message: returns the name and the hard-link target (-1 for soft/external links).</summary>
    public static (string Name, long Address) Link(H5Cursor c)
    {
        var version = c.U8();
        if (version != 1) throw c.Error($"unsupported link message version {version}");
        var flags = c.U8();
        var type = (flags & 0x08) != 0 ? c.U8() : 0;
        if ((flags & 0x04) != 0) c.Skip(8);
        if ((flags & 0x10) != 0) c.Skip(1);
        var nameLength = c.Checked(c.UVar(1 << (flags & 3)), "link name length");
        if (nameLength is 0 or > 65535) throw c.Error($"invalid link name length {nameLength}");
        var name = Encoding.UTF8.GetString(c.Bytes((int)nameLength));
        return (name, type == 0 ? c.Address() : -1);
    }

    public static (long Heap, long NameIndex) LinkOrAttributeInfo(H5Cursor c, bool attribute)
    {
        var version = c.U8();
        if (version != 0) throw c.Error($"unsupported {(attribute ? "attribute" : "link")} info version {version}");
        var flags = c.U8();
        if ((flags & 1) != 0) c.Skip(attribute ? 2 : 8);
        return (c.Address(), c.Address());
    }

    public static H5Attribute Attribute(H5Cursor c, H5Context ctx)
    {
        var version = c.U8();
        if (version is < 1 or > 3) throw c.Error($"unsupported attribute message version {version}");
        var flags = c.U8();
        if ((flags & 0x03) != 0) throw c.Error("shared attribute datatypes/dataspaces are not supported");
        var nameSize = c.U16();
        var typeSize = c.U16();
        var spaceSize = c.U16();
        if (version == 3) c.Skip(1);
        var start = c.Position;
        var nameBytes = c.Bytes(nameSize);
        var nul = nameBytes.IndexOf((byte)0);
        var name = Encoding.UTF8.GetString(nul >= 0 ? nameBytes[..nul] : nameBytes);
        if (version == 1) c.AlignTo(8, start);
        var typeStart = c.Position;
        var type = Datatype(c);
        c.Position = typeStart + typeSize;
        if (version == 1) c.AlignTo(8, start);
        var spaceStart = c.Position;
        var space = Dataspace(c);
        c.Position = spaceStart + spaceSize;
        if (version == 1) c.AlignTo(8, start);
        var bytes = checked(space.ElementCount * type.Size);
        if (bytes > c.Remaining) throw c.Error($"attribute '{name}' data ({bytes} bytes) overruns its message");
        var raw = c.ByteArray((int)bytes);
        object? decoded = null;
        if (type.VariableLength)
        {
            var strings = H5GlobalHeap.Strings(ctx, raw, type, space.ElementCount);
            decoded = space.Dims.Length == 0 && strings.Length == 1 ? strings[0] : strings;
        }
        return new H5Attribute(name, type, space.Dims, space.IsNull, raw, decoded);
    }
}
