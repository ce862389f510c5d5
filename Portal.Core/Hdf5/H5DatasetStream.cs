using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Portal.Core.Hdf5;

/// <summary>
/// Streams one dataset into an <see cref="H5Writer"/>: elements are appended in row-major order and written
/// straight through (contiguous) or one chunk at a time (chunked), so the dataset is never held in memory.
/// </summary>
public sealed class H5DatasetStream<T> : IDisposable where T : unmanaged
{
    private readonly H5DatasetStreamBase _inner;

    internal H5DatasetStream(H5DatasetStreamBase inner) => _inner = inner;

    /// <summary>Total number of elements the dataset will hold.</summary>
    public long Length => _inner.TotalBytes / _inner.ElementSize;

    /// <summary>Elements appended so far.</summary>
    public long Written => _inner.WrittenBytes / _inner.ElementSize;

    public void Append(ReadOnlySpan<T> values) => _inner.AppendBytes(MemoryMarshal.AsBytes(values));

    /// <summary>Finishes the dataset; throws if fewer elements than declared were appended.</summary>
    public void Complete() => _inner.Complete();

    /// <summary>Disposing an incomplete stream abandons the dataset (it will not appear in the file).</summary>
    public void Dispose() => _inner.Dispose();
}

/// <summary>Untyped chunking, filtering and placement shared by every element type.</summary>
internal sealed class H5DatasetStreamBase : IDisposable
{
    private readonly H5Writer _writer;
    private readonly DatasetInfo _info;
    private readonly byte[]? _chunk;
    private int _chunkUsed;
    private byte[]? _scratch;
    private MemoryStream? _deflated;
    private bool _done;

    public H5DatasetStreamBase(H5Writer writer, DatasetInfo info, string path)
    {
        _writer = writer;
        _info = info;
        Path = path;
        ElementSize = info.Type.Size;
        long elements = 1;
        foreach (var d in info.Shape) elements = checked(elements * d);
        TotalBytes = checked(elements * ElementSize);
        if (info.Layout.IsChunked)
        {
            var chunkBytes = info.ChunkElements * (long)ElementSize;
            if (chunkBytes > uint.MaxValue) throw new ArgumentException("an HDF5 chunk must be smaller than 4 GiB");
            _chunk = GC.AllocateUninitializedArray<byte>((int)Math.Min(chunkBytes, Array.MaxLength));
            if (chunkBytes > Array.MaxLength) throw new ArgumentException("chunk too large");
        }
        else
        {
            info.Address = TotalBytes == 0 ? H5Encode.Undefined : writer.Position;
        }
    }

    public string Path { get; }
    public int ElementSize { get; }
    public long TotalBytes { get; }
    public long WrittenBytes { get; private set; }

    public void AppendBytes(ReadOnlySpan<byte> bytes)
    {
        if (_done) throw new InvalidOperationException($"dataset '{Path}' is already complete");
        if (bytes.Length > TotalBytes - WrittenBytes)
            throw new InvalidOperationException($"dataset '{Path}' holds {TotalBytes / ElementSize} elements; too many appended");
        WrittenBytes += bytes.Length;
        if (_chunk is null)
        {
            _writer.Append(bytes);
            return;
        }
        while (!bytes.IsEmpty)
        {
            var n = Math.Min(bytes.Length, _chunk.Length - _chunkUsed);
            bytes[..n].CopyTo(_chunk.AsSpan(_chunkUsed));
            _chunkUsed += n;
            bytes = bytes[n..];
            if (_chunkUsed == _chunk.Length) EmitChunk();
        }
    }

    public void Complete()
    {
        if (_done) throw new InvalidOperationException($"dataset '{Path}' is already complete");
        if (WrittenBytes != TotalBytes)
            throw new InvalidOperationException($"dataset '{Path}' expects {TotalBytes / ElementSize} elements but {WrittenBytes / ElementSize} were appended");
        if (_chunk is not null && _chunkUsed > 0)
        {
            // Edge chunks are stored at full size (libhdf5 does the same); the tail is fill (zeros).
            Array.Clear(_chunk, _chunkUsed, _chunk.Length - _chunkUsed);
            _chunkUsed = _chunk.Length;
            EmitChunk();
        }
        _done = true;
        _info.Completed = true;
        _writer.OpenStream = null;
    }

    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _writer.AbandonDataset(this, _info);
    }

    private void EmitChunk()
    {
        ReadOnlySpan<byte> data = _chunk;
        var layout = _info.Layout;
        if (layout.Shuffle && ElementSize > 1)
        {
            _scratch ??= new byte[_chunk!.Length];
            H5Filters.Shuffle(data, _scratch, ElementSize);
            data = _scratch;
        }
        if (layout.DeflateLevel > 0)
        {
            _deflated ??= new MemoryStream();
            _deflated.SetLength(0);
            using (var z = new ZLibStream(_deflated, new ZLibCompressionOptions { CompressionLevel = layout.DeflateLevel }, leaveOpen: true))
                z.Write(data);
            data = _deflated.GetBuffer().AsSpan(0, (int)_deflated.Length);
        }
        var address = _writer.Append(data);
        _info.Chunks.Add(new ChunkRecord(address, data.Length, _info.Chunks.Count * (long)_info.ChunkDims[0]));
        _chunkUsed = 0;
    }
}

internal sealed record ChunkRecord(long Address, int Size, long FirstRow);

/// <summary>What the writer remembers about a dataset until its object header is written on commit.</summary>
internal sealed class DatasetInfo
{
    public DatasetInfo(long[] shape, H5DataType type, H5Layout layout)
    {
        Shape = shape;
        Type = type;
        Layout = layout;
        if (!layout.IsChunked) return;
        // Chunks span whole rows of the trailing dimensions, so every chunk is one contiguous run of input.
        long rowElements = 1;
        for (var i = 1; i < shape.Length; i++) rowElements = checked(rowElements * Math.Max(1, shape[i]));
        var rows = Math.Max(1, Math.Min(Math.Max(1, shape[0]), layout.ChunkElements / rowElements));
        ChunkDims = new long[shape.Length];
        ChunkDims[0] = rows;
        for (var i = 1; i < shape.Length; i++) ChunkDims[i] = Math.Max(1, shape[i]);
        ChunkElements = checked(rows * rowElements);
    }

    public long[] Shape { get; }
    public H5DataType Type { get; }
    public H5Layout Layout { get; }
    public long[] ChunkDims { get; } = [];
    public long ChunkElements { get; }
    public long Address { get; set; } = H5Encode.Undefined;
    public List<ChunkRecord> Chunks { get; } = [];
    public bool Completed { get; set; }
}
