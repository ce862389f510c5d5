using System.Buffers.Binary;
using System.IO.Compression;

namespace Portal.Core.Hdf5;

/// <summary>
/// Reads flat element ranges of a chunked dataset: finds the chunks that overlap, undoes their filters
/// (deflate, shuffle, fletcher32) and copies each chunk row into place. Keeps the last chunk decoded so
/// sequential range reads decompress every chunk once.
/// </summary>
internal sealed class H5ChunkReader
{
    private readonly H5Context _ctx;
    private readonly H5LayoutInfo _layout;
    private readonly List<H5FilterInfo> _filters;
    private readonly long[] _dims;
    private readonly long[] _chunk;
    private readonly long[] _grid;   // chunks per dimension over the current extent
    private readonly long[] _index;  // chunks per dimension used for linear indexes (max extent for array indexes)
    private readonly int _es;
    private readonly long _chunkBytes;
    private readonly byte[]? _fill;
    private readonly long _owner;
    private Dictionary<long, H5ChunkLocation>? _map;
    // One reference, swapped atomically, so concurrent readers never pair an index with another chunk's bytes.
    private CachedChunk? _cached;

    private sealed record CachedChunk(long Index, byte[]? Data);

    public H5ChunkReader(H5Context ctx, H5LayoutInfo layout, List<H5FilterInfo> filters, H5Space space, H5DataType type, byte[]? fill, long owner)
    {
        _ctx = ctx;
        _layout = layout;
        _filters = filters;
        _dims = space.Dims;
        _chunk = layout.ChunkDims;
        _es = type.Size;
        _fill = fill;
        _owner = owner;
        var rank = _dims.Length;
        _grid = new long[rank];
        _index = new long[rank];
        long elements = 1;
        for (var i = 0; i < rank; i++)
        {
            if (_chunk[i] <= 0) throw new Hdf5FormatException("chunk dimension is zero", owner);
            elements = checked(elements * _chunk[i]);
            _grid[i] = (_dims[i] + _chunk[i] - 1) / _chunk[i];
            var max = space.MaxDims is { } m && m[i] >= _dims[i] && layout.IndexType != H5ChunkIndexType.BTreeV1 ? m[i] : _dims[i];
            _index[i] = (max + _chunk[i] - 1) / _chunk[i];
        }
        _chunkBytes = checked(elements * _es);
        if (layout.IndexType == H5ChunkIndexType.ExtensibleArray && space.MaxDims is { } md && Array.IndexOf(md, -1L) > 0)
            throw new Hdf5FormatException("extensible-array chunk index with an unlimited dimension other than the first is not supported", owner);
        if (_chunkBytes > Math.Min(int.MaxValue - 64, ctx.MaxLogicalBytes))
            throw new Hdf5FormatException($"chunk of {_chunkBytes} bytes is implausibly large", owner);
    }

    public void Read(long start, long count, Span<byte> destination)
    {
        _map ??= H5ChunkIndex.Load(_ctx, _layout, _index, _chunkBytes, _filters.Count > 0);
        var rank = _dims.Length;
        var end = start + count;
        var stride = new long[rank];
        var cstride = new long[rank];
        stride[rank - 1] = 1;
        cstride[rank - 1] = 1;
        for (var i = rank - 2; i >= 0; i--)
        {
            stride[i] = stride[i + 1] * _dims[i + 1];
            cstride[i] = cstride[i + 1] * _chunk[i + 1];
        }
        var firstChunk0 = start / stride[0] / _chunk[0];
        var lastChunk0 = (end - 1) / stride[0] / _chunk[0];
        var coords = new long[rank];
        for (var c0 = firstChunk0; c0 <= lastChunk0; c0++)
        {
            coords[0] = c0;
            for (var i = 1; i < rank; i++) coords[i] = 0;
            while (true)
            {
                CopyChunk(coords, stride, cstride, start, end, destination);
                var d = rank - 1;
                while (d >= 1 && ++coords[d] == _grid[d]) coords[d--] = 0;
                if (d < 1) break;
            }
        }
    }

    private void CopyChunk(long[] coords, long[] stride, long[] cstride, long start, long end, Span<byte> destination)
    {
        var rank = _dims.Length;
        var chunk = Chunk(coords);
        var lastDim = rank - 1;
        var lineLength = Math.Min(_chunk[lastDim], _dims[lastDim] - coords[lastDim] * _chunk[lastDim]);
        var k = new long[rank]; // position within the chunk (last dimension stays 0)
        while (true)
        {
            long flat = 0, inChunk = 0;
            var inside = true;
            for (var i = 0; i < rank; i++)
            {
                var pos = coords[i] * _chunk[i] + k[i];
                if (pos >= _dims[i]) { inside = false; break; }
                flat += pos * stride[i];
                inChunk += k[i] * cstride[i];
            }
            if (inside)
            {
                var lo = Math.Max(flat, start);
                var hi = Math.Min(flat + lineLength, end);
                if (lo < hi)
                {
                    var target = destination.Slice((int)((lo - start) * _es), (int)((hi - lo) * _es));
                    if (chunk is null) FillSpan(target);
                    else chunk.AsSpan((int)((inChunk + lo - flat) * _es), target.Length).CopyTo(target);
                }
                else if (flat >= end) return; // later rows of this chunk only move further right
            }
            var d = rank - 2;
            while (d >= 0 && ++k[d] == _chunk[d]) k[d--] = 0;
            if (d < 0) return;
        }
    }

    private byte[]? Chunk(long[] coords)
    {
        long index = 0;
        for (var i = 0; i < coords.Length; i++) index = index * _index[i] + coords[i];
        if (_cached is { } hit && hit.Index == index) return hit.Data;
        byte[]? data = null;
        if (_map!.TryGetValue(index, out var location)) data = Decode(location, coords);
        _cached = new CachedChunk(index, data);
        return data;
    }

    private byte[] Decode(H5ChunkLocation location, long[] coords)
    {
        if (location.Size <= 0 || location.Size > _ctx.FileLength || location.Size > int.MaxValue - 64)
            throw new Hdf5FormatException($"invalid stored chunk size {location.Size}", location.Address);
        var raw = GC.AllocateUninitializedArray<byte>((int)location.Size);
        _ctx.ReadRaw(location.Address, raw, "chunk");
        var skipFilters = (_layout.Flags & 1) != 0 && IsPartialEdge(coords);
        if (!skipFilters)
        {
            for (var i = _filters.Count - 1; i >= 0; i--)
            {
                if ((location.FilterMask & (1u << i)) != 0) continue;
                raw = Undo(_filters[i], raw, location.Address);
            }
        }
        if (raw.Length != _chunkBytes)
            throw new Hdf5FormatException($"chunk decodes to {raw.Length} bytes, expected {_chunkBytes}", location.Address);
        return raw;
    }

    private bool IsPartialEdge(long[] coords)
    {
        for (var i = 0; i < coords.Length; i++)
            if ((coords[i] + 1) * _chunk[i] > _dims[i]) return true;
        return false;
    }

    private byte[] Undo(H5FilterInfo filter, byte[] data, long at)
    {
        switch (filter.Id)
        {
            case 1:
                {
                    // Earlier filters (fletcher32) may make the intermediate a little larger than a chunk.
                    var cap = (int)_chunkBytes + 4096;
                    var output = GC.AllocateUninitializedArray<byte>((int)_chunkBytes + 16);
                    using var z = new ZLibStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
                    var total = 0;
                    while (true)
                    {
                        if (total == output.Length)
                        {
                            if (output.Length >= cap) throw new Hdf5FormatException("deflated chunk expands beyond the chunk size", at);
                            Array.Resize(ref output, Math.Min(cap, output.Length * 2));
                        }
                        var n = z.Read(output, total, output.Length - total);
                        if (n == 0) break;
                        total += n;
                    }
                    return output[..total];
                }
            case 2:
                {
                    var size = filter.Values.Length > 0 ? (int)filter.Values[0] : _es;
                    if (size <= 1) return data;
                    var output = new byte[data.Length];
                    H5Filters.Unshuffle(data, output, size);
                    return output;
                }
            case 3:
                {
                    if (data.Length < 4) throw new Hdf5FormatException("fletcher32 chunk too short", at);
                    var body = data.AsSpan(0, data.Length - 4);
                    var stored = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4));
                    var sum = H5Filters.Fletcher32(body);
                    // Old libhdf5 versions stored the checksum byte-swapped; accept both like libhdf5 does.
                    if (stored != sum && stored != BinaryPrimitives.ReverseEndianness(sum))
                        throw new Hdf5FormatException("fletcher32 checksum mismatch", at);
                    return body.ToArray();
                }
            default:
                throw new Hdf5FormatException($"filter {filter.Id} ({filter.Name ?? "unnamed"}) is not supported", _owner);
        }
    }

    private void FillSpan(Span<byte> target)
    {
        if (_fill is null) target.Clear();
        else for (var i = 0; i + _fill.Length <= target.Length; i += _fill.Length) _fill.CopyTo(target[i..]);
    }
}
