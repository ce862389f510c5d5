using System.Numerics;

namespace Portal.Core.Hdf5;

/// <summary>
/// Read-only fractal heap (dense link and attribute storage): resolves managed and tiny heap IDs.
/// Huge objects and filtered heaps are not supported.
/// </summary>
internal sealed class H5FractalHeap
{
    private readonly H5Context _ctx;
    private readonly long _address;
    private readonly int _idLength;
    private readonly int _tableWidth;
    private readonly long _startBlockSize;
    private readonly long _maxDirectBlockSize;
    private readonly long _rootAddress;
    private readonly int _rootRows;
    private readonly int _offsetBytes;
    private readonly int _lengthBytes;
    private readonly int _maxDirectRows;
    private readonly bool _checksummedBlocks;

    public H5FractalHeap(H5Context ctx, long address)
    {
        _ctx = ctx;
        _address = address;
        var c = ctx.CursorUpTo(address, 512, "fractal heap header");
        c.Signature("FRHP");
        if (c.U8() != 0) throw c.Error("unsupported fractal heap version");
        _idLength = c.U16();
        var filterLength = c.U16();
        var flags = c.U8();
        _checksummedBlocks = (flags & 0x02) != 0;
        var maxManagedSize = c.U32();
        c.Len(); c.Address(); c.Len(); c.Address(); c.Len(); c.Len(); c.Len(); c.Len(); c.Len(); c.Len(); c.Len(); c.Len();
        _tableWidth = c.U16();
        _startBlockSize = c.Len();
        _maxDirectBlockSize = c.Len();
        var maxHeapBits = c.U16();
        c.U16();
        _rootAddress = c.Address();
        _rootRows = c.U16();
        if (filterLength > 0) throw c.Error("filtered fractal heaps are not supported");
        if (_tableWidth is 0 or > 4096 || _startBlockSize <= 0 || !IsPow2(_startBlockSize) || !IsPow2(_maxDirectBlockSize)
            || _maxDirectBlockSize < _startBlockSize || maxHeapBits is 0 or > 64 || _idLength is < 2 or > 1024)
            throw c.Error("invalid fractal heap parameters");
        _offsetBytes = (maxHeapBits + 7) / 8;
        var dirBits = BitOperations.Log2((ulong)_maxDirectBlockSize);
        _lengthBytes = Math.Min((dirBits + 7) / 8, BitOperations.Log2(Math.Max(1u, maxManagedSize)) / 8 + 1);
        _maxDirectRows = dirBits - BitOperations.Log2((ulong)_startBlockSize) + 2;
    }

    private static bool IsPow2(long v) => v > 0 && (v & (v - 1)) == 0;

    public byte[] Read(ReadOnlySpan<byte> id)
    {
        if (id.Length < 1) throw new Hdf5FormatException("empty heap id", _address);
        var type = (id[0] >> 4) & 0x03;
        if ((id[0] >> 6) != 0) throw new Hdf5FormatException("unsupported heap id version", _address);
        switch (type)
        {
            case 0:
                {
                    var c = new H5Cursor(id.ToArray(), _address, _ctx.OffsetSize, _ctx.LengthSize) { Position = 1 };
                    var offset = c.Checked(c.UVar(_offsetBytes), "heap offset");
                    var length = c.Checked(c.UVar(_lengthBytes), "heap object length");
                    return ReadManaged(offset, length);
                }
            case 2:
                {
                    // Tiny objects live inside the id itself; long ids use a 12-bit length.
                    var extended = _idLength > 18;
                    var length = extended ? (((id[0] & 0x0F) << 8) | id[1]) + 1 : (id[0] & 0x0F) + 1;
                    var start = extended ? 2 : 1;
                    if (start + length > id.Length) throw new Hdf5FormatException("tiny heap object overruns its id", _address);
                    return id.Slice(start, length).ToArray();
                }
            default:
                throw new Hdf5FormatException("huge fractal heap objects are not supported", _address);
        }
    }

    private long BlockSize(int row) => row == 0 ? _startBlockSize : _startBlockSize << (row - 1);
    private long RowStart(int row) => row == 0 ? 0 : _tableWidth * _startBlockSize << (row - 1);

    private byte[] ReadManaged(long offset, long length)
    {
        if (length <= 0 || length > _maxDirectBlockSize) throw new Hdf5FormatException("invalid heap object length", _address);
        if (_rootRows == 0) return FromDirect(_rootAddress, 0, _startBlockSize, offset, length);
        var block = _rootAddress;
        var rows = _rootRows;
        long blockOffset = 0;
        for (var depth = 0; depth < 64; depth++)
        {
            var rel = offset - blockOffset;
            if (rel < 0) throw new Hdf5FormatException("heap offset outside its indirect block", block);
            var row = 0;
            while (row + 1 < rows && RowStart(row + 1) <= rel) row++;
            var col = (rel - RowStart(row)) / BlockSize(row);
            if (col >= _tableWidth) throw new Hdf5FormatException("heap offset beyond the heap", block);
            var directRows = Math.Min(rows, _maxDirectRows);
            var entry = row < _maxDirectRows ? row * _tableWidth + col : directRows * _tableWidth + (row - _maxDirectRows) * _tableWidth + col;
            var header = 5 + _ctx.OffsetSize + _offsetBytes;
            var c = _ctx.Cursor(block, header + (entry + 1) * _ctx.OffsetSize, "fractal heap indirect block");
            c.Signature("FHIB");
            c.Position = header + (int)entry * _ctx.OffsetSize;
            var child = c.Address();
            if (child < 0) throw new Hdf5FormatException("heap object in an unallocated block", block);
            var childOffset = blockOffset + RowStart(row) + col * BlockSize(row);
            if (row < _maxDirectRows) return FromDirect(child, childOffset, BlockSize(row), offset, length);
            rows = BitOperations.Log2((ulong)BlockSize(row)) - BitOperations.Log2((ulong)(_startBlockSize * _tableWidth)) + 1;
            if (rows < 1) throw new Hdf5FormatException("invalid indirect block size", child);
            block = child;
            blockOffset = childOffset;
        }
        throw new Hdf5FormatException("fractal heap too deep", _address);
    }

    private byte[] FromDirect(long block, long blockOffset, long blockSize, long offset, long length)
    {
        var rel = offset - blockOffset;
        var header = 5 + _ctx.OffsetSize + _offsetBytes + (_checksummedBlocks ? 4 : 0);
        if (rel < header || rel + length > blockSize) throw new Hdf5FormatException("heap object outside its direct block", block);
        var sig = _ctx.Cursor(block, 4, "fractal heap direct block");
        sig.Signature("FHDB");
        return _ctx.Read(block + rel, length, "fractal heap object");
    }
}
