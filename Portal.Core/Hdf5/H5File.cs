namespace Portal.Core.Hdf5;

/// <summary>
/// Read-only HDF5 file: superblock v0–v3, object headers v1/v2, old- and new-style groups.
/// Corrupt or unsupported input raises <see cref="Hdf5FormatException"/>. Not thread-safe for concurrent
/// navigation; reads of the same file from several threads need separate instances.
/// </summary>
public sealed class H5File : IDisposable
{
    private readonly H5Context _ctx;

    private H5File(H5Source source)
    {
        _ctx = new H5Context(source);
        try
        {
            H5Guard.Run(0, ReadSuperblock);
            Root = new H5Group(this, "/", _ctx.RootHeader);
        }
        catch
        {
            _ctx.Dispose();
            throw;
        }
    }

    public static H5File Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        return new H5File(new H5FileSource(handle));
    }

    public static H5File Open(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("HDF5 needs a readable, seekable stream", nameof(stream));
        return new H5File(new H5StreamSource(stream, leaveOpen));
    }

    public H5Group Root { get; }

    public int SuperblockVersion => _ctx.SuperblockVersion;

    internal H5Context Context => _ctx;

    public void Dispose() => _ctx.Dispose();

    private void ReadSuperblock()
    {
        var length = _ctx.FileLength;
        long at = -1;
        Span<byte> probe = stackalloc byte[8];
        for (long off = 0; off + 8 <= length; off = off == 0 ? 512 : off * 2)
        {
            if (_ctx.Source.TryRead(off, probe) && probe.SequenceEqual(H5Encode.Signature)) { at = off; break; }
        }
        if (at < 0) throw new Hdf5FormatException("not an HDF5 file: no superblock signature", 0);
        var c = _ctx.CursorUpTo(at, 256, "superblock");
        c.Skip(8);
        var version = c.U8();
        _ctx.SuperblockVersion = version;
        int offsetSize, lengthSize;
        if (version is 0 or 1)
        {
            c.Skip(4);
            offsetSize = c.U8();
            lengthSize = c.U8();
            c.Skip(1 + 4 + 4 + (version == 1 ? 4 : 0));
        }
        else if (version is 2 or 3)
        {
            offsetSize = c.U8();
            lengthSize = c.U8();
            c.Skip(1);
        }
        else throw c.Error($"unsupported superblock version {version}");
        if (offsetSize is not (2 or 4 or 8) || lengthSize is not (2 or 4 or 8)) throw c.Error($"unsupported offset/length sizes {offsetSize}/{lengthSize}");
        var sized = new H5Cursor(c.ByteArray(c.Remaining), at + c.Position, offsetSize, lengthSize);
        _ctx.OffsetSize = offsetSize;
        _ctx.LengthSize = lengthSize;
        var baseAddress = sized.Address();
        if (baseAddress < 0 || baseAddress > length) throw sized.Error("invalid base address");
        _ctx.BaseAddress = baseAddress;
        if (version < 2)
        {
            sized.Address(); sized.Address(); sized.Address();
            sized.Address(); // root symbol table entry: link name offset
            _ctx.RootHeader = sized.Address();
        }
        else
        {
            sized.Address(); sized.Address();
            _ctx.RootHeader = sized.Address();
        }
        if (_ctx.RootHeader < 0) throw sized.Error("superblock has no root group");
    }
}
