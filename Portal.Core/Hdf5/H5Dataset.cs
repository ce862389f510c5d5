using System.Runtime.InteropServices;

namespace Portal.Core.Hdf5;

/// <summary>
/// A dataset. Element ranges are flat (row-major) indices, so 1-D and N-D data read the same way.
/// Read&lt;T&gt; copies raw bytes when T matches the stored type and converts element by element otherwise.
/// </summary>
public sealed class H5Dataset
{
    private readonly H5File _file;
    private readonly long _address;
    private readonly H5LayoutInfo _layout;
    private readonly List<H5FilterInfo> _filters;
    private readonly byte[]? _fill;
    private IReadOnlyList<H5Attribute>? _attributes;
    private H5ChunkReader? _chunks;

    internal H5Dataset(H5File file, string path, long address)
    {
        _file = file;
        _address = address;
        Path = path;
        var ctx = file.Context;
        (Space, DataType, _layout, _filters, _fill) = H5Guard.Run(address, () =>
        {
            var h = ctx.Header(address);
            var spaceMsg = h.Find(H5Message.Dataspace) ?? throw new Hdf5FormatException("dataset has no dataspace message", address);
            var typeMsg = h.Find(H5Message.Datatype) ?? throw new Hdf5FormatException("dataset has no datatype message", address);
            var space = H5Messages.Dataspace(spaceMsg.Cursor(ctx));
            var type = ReadType(ctx, typeMsg);
            var layout = H5Messages.Layout(h.Find(H5Message.Layout)!.Cursor(ctx), space, type);
            var filtersMsg = h.Find(H5Message.Filters);
            var filters = filtersMsg is null ? [] : H5Messages.Filters(filtersMsg.Cursor(ctx));
            var fill = H5Messages.FillValue(h.Find(H5Message.Fill), h.Find(H5Message.FillOld), ctx, type.Size);
            if (layout.Class == H5StorageLayout.Chunked && layout.ChunkDims.Length != space.Dims.Length)
                throw new Hdf5FormatException("chunk rank does not match the dataspace rank", address);
            return (space, type, layout, filters, fill);
        });
        Shape = Space.Dims;
        Length = Space.ElementCount;
    }

    internal H5Space Space { get; }

    public string Path { get; }
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
    public long[] Shape { get; }
    public IReadOnlyList<long>? MaxShape => Space.MaxDims;
    public long Length { get; }
    public H5DataType DataType { get; }
    public H5StorageLayout Layout => _layout.Class;
    public IReadOnlyList<long>? ChunkShape => _layout.Class == H5StorageLayout.Chunked ? _layout.ChunkDims : null;

    /// <summary>Chunk index kind for chunked datasets ("btree-v1", "single", "implicit", "fixed-array", ...).</summary>
    public string? ChunkIndex => _layout.Class != H5StorageLayout.Chunked ? null : _layout.IndexType switch
    {
        H5ChunkIndexType.BTreeV1 => "btree-v1",
        H5ChunkIndexType.SingleChunk => "single",
        H5ChunkIndexType.Implicit => "implicit",
        H5ChunkIndexType.FixedArray => "fixed-array",
        H5ChunkIndexType.ExtensibleArray => "extensible-array",
        _ => "btree-v2",
    };

    /// <summary>Filter names in pipeline order (deflate, shuffle, fletcher32, or filter-N).</summary>
    public IReadOnlyList<string> Filters => _filters.Select(f => f.Id switch
    {
        1 => "deflate",
        2 => "shuffle",
        3 => "fletcher32",
        _ => f.Name ?? $"filter-{f.Id}",
    }).ToList();

    public IReadOnlyList<H5Attribute> Attributes =>
        _attributes ??= H5Guard.Run(_address, () => H5Links.Attributes(_file.Context, _file.Context.Header(_address)));

    public H5Attribute? FindAttribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    public T[] Read<T>() where T : unmanaged
    {
        var result = Allocate<T>(Length);
        ReadInto<T>(0, result);
        return result;
    }

    public T[] ReadRange<T>(long start, int count) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        CheckRange(start, count);
        var result = new T[count];
        ReadInto<T>(start, result);
        return result;
    }

    public void ReadInto<T>(long start, Span<T> destination) where T : unmanaged
    {
        CheckRange(start, destination.Length);
        _ = H5DataType.For<T>(); // rejects unsupported CLR types before touching the file
        var type = DataType;
        if (type.Kind is H5TypeKind.String or H5TypeKind.Other)
            throw new InvalidOperationException($"dataset '{Path}' holds {type} elements; use ReadStrings for strings");
        if (H5Convert.IsDirect<T>(type))
        {
            var bytes = MemoryMarshal.AsBytes(destination);
            ReadRaw(start, destination.Length, bytes);
            if (type.BigEndian) H5Convert.Swap(bytes, type.Size);
            return;
        }
        // Converting read: decode blocks of raw elements through a bounded scratch buffer.
        const int Block = 1 << 16;
        var scratch = new byte[Math.Min(destination.Length, Block) * type.Size];
        for (var done = 0; done < destination.Length;)
        {
            var n = Math.Min(Block, destination.Length - done);
            var raw = scratch.AsSpan(0, n * type.Size);
            ReadRaw(start + done, n, raw);
            var slice = destination.Slice(done, n);
            H5Convert.Into(raw, type, slice);
            done += n;
        }
    }

    /// <summary>Every element as double, whatever the numeric type.</summary>
    public double[] ReadAsDouble() => Read<double>();

    /// <summary>Fixed-length strings, with padding removed and UTF-8 decoded.</summary>
    public string[] ReadStrings()
    {
        if (DataType.Kind != H5TypeKind.String)
            throw new InvalidOperationException($"dataset '{Path}' holds {DataType} elements, not strings");
        if (Length > Array.MaxLength / DataType.Size)
            throw new Hdf5FormatException($"dataset '{Path}' claims {Length} strings, too many to read at once", _address);
        var raw = Allocate<byte>(Length * DataType.Size, Length * DataType.Size);
        ReadRaw(0, Length, raw);
        return H5Guard.Run(_address, () => DataType.VariableLength
            ? H5GlobalHeap.Strings(_file.Context, raw, DataType, Length)
            : H5Convert.Strings(raw, DataType, Length));
    }

    public override string ToString() => $"{Path} {DataType} [{string.Join(",", Shape)}]";

    private void CheckRange(long start, int count)
    {
        if (start < 0 || count < 0 || start > Length - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"elements {start}..{start + count} are outside dataset '{Path}' of {Length} elements");
    }

    /// <summary>Refuses sizes a corrupt header could invent before allocating anything.</summary>
    private T[] Allocate<T>(long count, long? storedBytes = null) where T : unmanaged
    {
        var ctx = _file.Context;
        var stored = storedBytes ?? count * (long)DataType.Size;
        var limit = _layout.Class == H5StorageLayout.Contiguous && _layout.Address >= 0 ? ctx.FileLength : ctx.MaxLogicalBytes;
        if (count > Array.MaxLength || count * (long)Marshal.SizeOf<T>() > Array.MaxLength || stored > limit)
            throw new Hdf5FormatException($"dataset '{Path}' claims {count} elements, more than the file can hold or one array can take (use ReadRange)", _address);
        // Every element is overwritten by the read, so skip zeroing (it doubles the cost of a 1 GiB array).
        return GC.AllocateUninitializedArray<T>((int)count);
    }

    private static H5DataType ReadType(H5Context ctx, H5Message message)
    {
        if ((message.Flags & 0x02) == 0) return H5Messages.Datatype(message.Cursor(ctx));
        // Shared (committed) datatype: the message points at the object header that holds it.
        var c = message.Cursor(ctx);
        var version = c.U8();
        var kind = c.U8();
        if (version == 1) c.Skip(6);
        if (version is < 1 or > 3 || version == 3 && kind != 2) throw c.Error("unsupported shared datatype");
        var target = ctx.Header(c.Address());
        var inner = target.Find(H5Message.Datatype) ?? throw c.Error("committed datatype has no datatype message");
        if ((inner.Flags & 0x02) != 0) throw c.Error("nested shared datatype");
        return H5Messages.Datatype(inner.Cursor(ctx));
    }

    private void ReadRaw(long start, long count, Span<byte> destination)
    {
        if (count == 0) return;
        var es = DataType.Size;
        var ctx = _file.Context;
        // Spans cannot enter lambdas, so the guard is spelled out here.
        try
        {
            switch (_layout.Class)
            {
                case H5StorageLayout.Contiguous:
                    if (_layout.Address < 0) { Fill(destination); return; }
                    if (_layout.Size < checked(Length * es)) throw new Hdf5FormatException($"contiguous storage of '{Path}' is smaller than its dataspace", _address);
                    ctx.ReadRaw(_layout.Address + start * es, destination, "dataset data");
                    return;
                case H5StorageLayout.Compact:
                    var data = _layout.CompactData!;
                    if (data.Length < checked(Length * es)) throw new Hdf5FormatException($"compact storage of '{Path}' is smaller than its dataspace", _address);
                    data.AsSpan(checked((int)(start * es)), destination.Length).CopyTo(destination);
                    return;
                default:
                    _chunks ??= new H5ChunkReader(ctx, _layout, _filters, Space, DataType, _fill, _address);
                    _chunks.Read(start, count, destination);
                    return;
            }
        }
        catch (Exception e) when (e is not Hdf5FormatException && e is IndexOutOfRangeException or ArgumentException or OverflowException
            or EndOfStreamException or InvalidDataException or InvalidOperationException or OutOfMemoryException or NullReferenceException)
        {
            throw new Hdf5FormatException($"corrupt HDF5 data in '{Path}': {e.Message}", _address, e);
        }
    }

    private void Fill(Span<byte> destination)
    {
        if (_fill is null) destination.Clear();
        else for (var i = 0; i + _fill.Length <= destination.Length; i += _fill.Length) _fill.CopyTo(destination[i..]);
    }
}
