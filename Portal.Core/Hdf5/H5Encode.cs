using System.Text;

namespace Portal.Core.Hdf5;

/// <summary>
/// Encoders for the structures the writer emits: superblock v0, version-1 object headers and the
/// version-1 messages inside them. Offsets and lengths are always 8 bytes.
/// </summary>
internal static class H5Encode
{
    public const long Undefined = -1; // all bits set: HDF5's "undefined address"
    public const int SuperblockSize = 96;
    public const int GroupLeafK = 4;      // symbol-table node holds 2K entries
    public const int GroupInternalK = 16; // group B-tree node holds 2K children
    public const int ChunkK = 32;         // chunk B-tree node holds 2K children (v0 superblock default)
    public const int SymbolEntrySize = 40;
    public static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    public const int MsgDataspace = 0x01, MsgDatatype = 0x03, MsgFill = 0x05, MsgLayout = 0x08,
        MsgFilters = 0x0B, MsgAttribute = 0x0C, MsgSymbolTable = 0x11;

    public static byte[] Datatype(H5DataType t)
    {
        var b = new H5Buffer();
        switch (t.Kind)
        {
            case H5TypeKind.Integer:
                b.U8(0x10).U8(t.Signed ? 0x08 : 0).U8(0).U8(0).U32(t.Size).U16(0).U16(t.Size * 8);
                break;
            case H5TypeKind.Float when t.Size == 8:
                // IEEE binary64: sign bit 63, exponent 52..62 (bias 1023), mantissa 0..51, implied MSB.
                b.U8(0x11).U8(0x20).U8(63).U8(0).U32(8).U16(0).U16(64).U8(52).U8(11).U8(0).U8(52).U32(1023);
                break;
            case H5TypeKind.Float when t.Size == 4:
                b.U8(0x11).U8(0x20).U8(31).U8(0).U32(4).U16(0).U16(32).U8(23).U8(8).U8(0).U8(23).U32(127);
                break;
            case H5TypeKind.String:
                // Padding type 1 = null-padded; character set 0 = ASCII, 1 = UTF-8.
                b.U8(0x13).U8(1 | (t.Utf8 ? 0x10 : 0)).U8(0).U8(0).U32(t.Size);
                break;
            default:
                throw new NotSupportedException($"cannot encode datatype {t}");
        }
        return b.ToArray();
    }

    /// <summary>Dataspace message version 1; rank 0 means scalar.</summary>
    public static byte[] Dataspace(ReadOnlySpan<long> dims)
    {
        var b = new H5Buffer().U8(1).U8(dims.Length).U8(0).U8(0).U32(0);
        foreach (var d in dims) b.U64(d);
        return b.ToArray();
    }

    /// <summary>Fill value message version 2: late/incremental allocation, fill written if set, no value (zeros).</summary>
    public static byte[] FillValue(bool chunked) => new H5Buffer().U8(2).U8(chunked ? 3 : 2).U8(2).U8(0).ToArray();

    public static byte[] ContiguousLayout(long address, long size) =>
        new H5Buffer().U8(3).U8(1).U64(address).U64(size).ToArray();

    public static byte[] ChunkedLayout(long btreeAddress, ReadOnlySpan<long> chunkDims, int elementSize)
    {
        var b = new H5Buffer().U8(3).U8(2).U8(chunkDims.Length + 1).U64(btreeAddress);
        foreach (var d in chunkDims) b.U32(d);
        return b.U32(elementSize).ToArray();
    }

    /// <summary>Filter pipeline message version 1 (shuffle then deflate, both marked optional like libhdf5 does).</summary>
    public static byte[] Filters(H5Layout layout, int elementSize)
    {
        var count = (layout.Shuffle ? 1 : 0) + (layout.DeflateLevel > 0 ? 1 : 0);
        var b = new H5Buffer().U8(1).U8(count).Zeros(6);
        // Names are written too: libhdf5's object copy (h5copy/h5repack) crashes on nameless filters.
        if (layout.Shuffle) b.U16(2).U16(8).U16(1).U16(1).Ascii("shuffle").U8(0).U32(elementSize).U32(0);
        if (layout.DeflateLevel > 0) b.U16(1).U16(8).U16(1).U16(1).Ascii("deflate").U8(0).U32(layout.DeflateLevel).U32(0);
        return b.ToArray();
    }

    public static byte[] SymbolTable(long btree, long heap) => new H5Buffer().U64(btree).U64(heap).ToArray();

    /// <summary>Attribute message version 1: name, datatype and dataspace each padded to 8 bytes.</summary>
    public static byte[] Attribute(string name, H5DataType type, ReadOnlySpan<long> dims, ReadOnlySpan<byte> data)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var dt = Datatype(type);
        var ds = Dataspace(dims);
        var b = new H5Buffer().U8(1).U8(0).U16(nameBytes.Length + 1).U16(dt.Length).U16(ds.Length);
        b.Bytes(nameBytes).U8(0).Align(8).Bytes(dt).Align(8).Bytes(ds).Align(8).Bytes(data);
        return b.ToArray();
    }

    /// <summary>Version-1 object header: 16-byte prefix, then 8-byte aligned messages.</summary>
    public static byte[] ObjectHeader(IReadOnlyList<(int Type, byte[] Data)> messages)
    {
        var b = new H5Buffer().U8(1).U8(0).U16(messages.Count).U32(1).U32(0).U32(0);
        foreach (var (type, data) in messages)
        {
            var padded = (data.Length + 7) & ~7;
            if (padded > ushort.MaxValue)
                throw new ArgumentException($"HDF5 header message of {data.Length} bytes exceeds the 64 KiB limit of version-1 object headers (attributes must be smaller).");
            // Flag 1 = constant (datatype/dataspace never change), as libhdf5 marks them.
            var flags = type is MsgDatatype ? 1 : 0;
            b.U16(type).U16(padded).U8(flags).Zeros(3).Bytes(data).Align(8);
        }
        b.PatchU32(8, b.Length - 16);
        return b.ToArray();
    }

    public static void SymbolEntry(H5Buffer b, long nameOffset, long header, long btree = Undefined, long heap = Undefined)
    {
        b.U64(nameOffset).U64(header);
        if (btree != Undefined) b.U32(1).U32(0).U64(btree).U64(heap);
        else b.U32(0).U32(0).Zeros(16);
    }

    public static byte[] Superblock(long eof, long rootHeader, long rootBtree, long rootHeap)
    {
        var b = new H5Buffer().Bytes(Signature)
            .U8(0).U8(0).U8(0).U8(0).U8(0).U8(8).U8(8).U8(0)
            .U16(GroupLeafK).U16(GroupInternalK).U32(0)
            .U64(0).U64(Undefined).U64(eof).U64(Undefined);
        SymbolEntry(b, 0, rootHeader, rootBtree, rootHeap);
        return b.ToArray();
    }

    public static int BTreeNodeSize(int k, int keySize) => 24 + 2 * k * 8 + (2 * k + 1) * keySize;
}
