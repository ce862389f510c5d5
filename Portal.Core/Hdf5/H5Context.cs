namespace Portal.Core.Hdf5;

/// <summary>File-wide decoding state: the byte source, field sizes from the superblock and parsed headers.</summary>
internal sealed class H5Context(H5Source source) : IDisposable
{
    /// <summary>Largest metadata block read in one piece; anything bigger in a header is corruption.</summary>
    public const int MaxMetadataBlock = 64 << 20;

    private readonly Dictionary<long, H5ObjectHeader> _headers = [];

    public H5Source Source { get; } = source;
    public long FileLength => Source.Length;
    public int OffsetSize { get; set; } = 8;
    public int LengthSize { get; set; } = 8;
    public long BaseAddress { get; set; }
    public int SuperblockVersion { get; set; }
    public long RootHeader { get; set; }

    /// <summary>Upper bound for a decoded (inflated) buffer: deflate cannot expand beyond ~1032:1.</summary>
    public long MaxLogicalBytes => Math.Max(FileLength, 1) * 1100 + (16L << 20);

    public H5Cursor Cursor(long address, long length, string what)
    {
        var bytes = Read(address, length, what);
        return new H5Cursor(bytes, BaseAddress + address, OffsetSize, LengthSize);
    }

    /// <summary>Reads up to <paramref name="maxLength"/> bytes, fewer if the file ends (variable-size structures).</summary>
    public H5Cursor CursorUpTo(long address, long maxLength, string what)
    {
        var abs = CheckAddress(address, what);
        var length = Math.Min(maxLength, FileLength - abs);
        return Cursor(address, length, what);
    }

    public byte[] Read(long address, long length, string what)
    {
        var abs = CheckAddress(address, what);
        if (length < 0 || length > MaxMetadataBlock || length > FileLength - abs)
            throw new Hdf5FormatException($"{what}: {length} bytes at {abs} lie beyond the end of the file ({FileLength} bytes)", abs);
        var buffer = GC.AllocateUninitializedArray<byte>((int)length);
        if (!Source.TryRead(abs, buffer)) throw new Hdf5FormatException($"{what}: file truncated", abs);
        return buffer;
    }

    /// <summary>Reads raw data straight into the caller's buffer (no size cap other than the file length).</summary>
    public void ReadRaw(long address, Span<byte> destination, string what)
    {
        var abs = CheckAddress(address, what);
        if (destination.Length > FileLength - abs)
            throw new Hdf5FormatException($"{what}: {destination.Length} bytes at {abs} lie beyond the end of the file ({FileLength} bytes)", abs);
        if (!Source.TryRead(abs, destination)) throw new Hdf5FormatException($"{what}: file truncated", abs);
    }

    private long CheckAddress(long address, string what)
    {
        if (address < 0) throw new Hdf5FormatException($"{what}: undefined or negative address", address);
        var abs = BaseAddress + address;
        if (abs < 0 || abs > FileLength) throw new Hdf5FormatException($"{what}: address {abs} is beyond the end of the file ({FileLength} bytes)", abs);
        return abs;
    }

    public H5ObjectHeader Header(long address)
    {
        lock (_headers)
        {
            if (_headers.TryGetValue(address, out var cached)) return cached;
        }
        var h = H5ObjectHeader.Parse(this, address);
        lock (_headers) _headers[address] = h;
        return h;
    }

    public void Dispose() => Source.Dispose();
}

/// <summary>Turns any low-level failure on a read path into <see cref="Hdf5FormatException"/>.</summary>
internal static class H5Guard
{
    public static T Run<T>(long offset, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (IsFormatFailure(e))
        {
            throw new Hdf5FormatException($"corrupt HDF5 data: {e.Message}", offset, e);
        }
    }

    public static void Run(long offset, Action body) => Run(offset, () => { body(); return 0; });

    private static bool IsFormatFailure(Exception e) => e is IndexOutOfRangeException or ArgumentException
        or OverflowException or EndOfStreamException or InvalidDataException or InvalidCastException
        or DivideByZeroException or OutOfMemoryException or NullReferenceException or InvalidOperationException
        or FormatException;
}
