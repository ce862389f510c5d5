namespace Portal.Core.Hdf5;

internal sealed record H5Message(int Type, int Flags, byte[] Data, long Offset)
{
    public const int Nil = 0x00, Dataspace = 0x01, LinkInfo = 0x02, Datatype = 0x03, FillOld = 0x04, Fill = 0x05,
        Link = 0x06, Layout = 0x08, GroupInfo = 0x0A, Filters = 0x0B, Attribute = 0x0C, Continuation = 0x10,
        SymbolTable = 0x11, AttributeInfo = 0x15;

    public H5Cursor Cursor(H5Context ctx) => new(Data, Offset, ctx.OffsetSize, ctx.LengthSize);
}

/// <summary>Messages of one object header (version 1 or 2), with continuation chunks followed.</summary>
internal sealed class H5ObjectHeader
{
    private const int MaxChunks = 4096;

    private H5ObjectHeader(long address, List<H5Message> messages, bool trackCreationOrder)
    {
        Address = address;
        Messages = messages;
        TrackCreationOrder = trackCreationOrder;
    }

    public long Address { get; }
    public List<H5Message> Messages { get; }
    public bool TrackCreationOrder { get; }

    public H5Message? Find(int type) => Messages.Find(m => m.Type == type);

    public bool IsDataset => Find(H5Message.Layout) is not null;

    public bool IsGroup => !IsDataset && Messages.Exists(m => m.Type is H5Message.SymbolTable or H5Message.LinkInfo
        or H5Message.Link or H5Message.GroupInfo);

    public static H5ObjectHeader Parse(H5Context ctx, long address)
    {
        var probe = ctx.CursorUpTo(address, 16, "object header");
        if (probe.Remaining >= 4 && probe.Bytes(4).SequenceEqual("OHDR"u8)) return ParseV2(ctx, address);
        probe.Position = 0;
        return ParseV1(ctx, address);
    }

    private static H5ObjectHeader ParseV1(H5Context ctx, long address)
    {
        var c = ctx.Cursor(address, 16, "object header");
        var version = c.U8();
        if (version != 1) throw new Hdf5FormatException($"unsupported object header version {version}", address);
        c.Skip(1);
        var count = c.U16();
        c.Skip(4);
        var size = c.U32();
        var messages = new List<H5Message>();
        var chunks = new Queue<(long Address, long Length)>();
        chunks.Enqueue((address + 16, size));
        var seen = new HashSet<long>();
        while (chunks.Count > 0)
        {
            var (at, length) = chunks.Dequeue();
            if (!seen.Add(at) || seen.Count > MaxChunks) throw new Hdf5FormatException("object header continuation loop", at);
            var chunk = ctx.Cursor(at, length, "object header chunk");
            while (chunk.Remaining >= 8)
            {
                var type = chunk.U16();
                var msgSize = chunk.U16();
                var flags = chunk.U8();
                chunk.Skip(3);
                var offset = chunk.FileOffset;
                var data = chunk.ByteArray(msgSize);
                if (type == H5Message.Continuation) chunks.Enqueue(ReadContinuation(ctx, data, offset));
                else if (type != H5Message.Nil) messages.Add(new H5Message(type, flags, data, offset));
            }
        }
        _ = count; // libhdf5 tolerates count mismatches caused by merged null messages, so do we.
        return new H5ObjectHeader(address, messages, false);
    }

    private static H5ObjectHeader ParseV2(H5Context ctx, long address)
    {
        var c = ctx.CursorUpTo(address, 64, "object header");
        c.Skip(4);
        var version = c.U8();
        if (version != 2) throw c.Error($"unsupported object header version {version}");
        var flags = c.U8();
        if ((flags & 0x20) != 0) c.Skip(16);
        if ((flags & 0x10) != 0) c.Skip(4);
        var chunk0Size = c.Checked(c.UVar(1 << (flags & 3)), "chunk size");
        var creationOrder = (flags & 0x04) != 0;
        var messages = new List<H5Message>();
        var chunks = new Queue<(long Address, long Length, int Skip)>();
        chunks.Enqueue((address + c.Position, chunk0Size + 4, 0));
        var seen = new HashSet<long>();
        while (chunks.Count > 0)
        {
            var (at, length, skip) = chunks.Dequeue();
            if (!seen.Add(at) || seen.Count > MaxChunks) throw new Hdf5FormatException("object header continuation loop", at);
            var chunk = ctx.Cursor(at, length, "object header chunk");
            if (skip > 0) chunk.Signature("OCHK");
            var headerSize = creationOrder ? 6 : 4;
            while (chunk.Remaining - 4 >= headerSize)
            {
                var type = chunk.U8();
                var msgSize = chunk.U16();
                var msgFlags = chunk.U8();
                if (creationOrder) chunk.Skip(2);
                if (msgSize > chunk.Remaining - 4) throw chunk.Error("header message overruns its chunk");
                var offset = chunk.FileOffset;
                var data = chunk.ByteArray(msgSize);
                if (type == H5Message.Continuation)
                {
                    var (a, l) = ReadContinuation(ctx, data, offset);
                    if (l < 8) throw new Hdf5FormatException("continuation chunk too small", offset);
                    chunks.Enqueue((a, l, 4));
                }
                else if (type != H5Message.Nil) messages.Add(new H5Message(type, msgFlags, data, offset));
            }
        }
        return new H5ObjectHeader(address, messages, creationOrder);
    }

    private static (long, long) ReadContinuation(H5Context ctx, byte[] data, long offset)
    {
        var c = new H5Cursor(data, offset, ctx.OffsetSize, ctx.LengthSize);
        var a = c.Address();
        var l = c.Len();
        if (a < 0) throw c.Error("continuation with undefined address");
        return (a, l);
    }
}
