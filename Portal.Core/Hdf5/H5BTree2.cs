using System.Numerics;

namespace Portal.Core.Hdf5;

/// <summary>Read-only version-2 B-tree: visits every record (used for dense link/attribute name indexes).</summary>
internal sealed class H5BTree2
{
    private const int Prefix = 10; // signature, version, type, checksum
    private readonly H5Context _ctx;
    private readonly long _address;
    private readonly int _nodeSize;
    private readonly int _recordSize;
    private readonly int _depth;
    private readonly long _root;
    private readonly int _rootRecords;
    private readonly long _total;
    private readonly int[] _maxRecords;
    private readonly int _recordCountBytes;
    private readonly int[] _cumulativeBytes;

    public H5BTree2(H5Context ctx, long address)
    {
        _ctx = ctx;
        _address = address;
        var c = ctx.Cursor(address, 16 + 2 * ctx.OffsetSize + ctx.LengthSize, "v2 B-tree header");
        c.Signature("BTHD");
        if (c.U8() != 0) throw c.Error("unsupported v2 B-tree version");
        Type = c.U8();
        var nodeSize = c.U32();
        _recordSize = c.U16();
        _depth = c.U16();
        c.Skip(2);
        _root = c.Address();
        _rootRecords = c.U16();
        _total = c.Len();
        if (nodeSize is < 32 or > 1 << 24 || _recordSize is 0 or > 4096 || _depth > 32)
            throw new Hdf5FormatException("invalid v2 B-tree parameters", address);
        _nodeSize = (int)nodeSize;
        _maxRecords = new int[_depth + 1];
        _cumulativeBytes = new int[_depth + 1];
        var cumulative = new BigInteger[_depth + 1];
        _maxRecords[0] = (_nodeSize - Prefix) / _recordSize;
        if (_maxRecords[0] < 1) throw new Hdf5FormatException("v2 B-tree node too small", address);
        cumulative[0] = _maxRecords[0];
        _recordCountBytes = EncSize(_maxRecords[0]);
        for (var d = 1; d <= _depth; d++)
        {
            var pointer = ctx.OffsetSize + _recordCountBytes + _cumulativeBytes[d - 1];
            _maxRecords[d] = (_nodeSize - Prefix) / (_recordSize + pointer);
            cumulative[d] = (_maxRecords[d] + 1) * cumulative[d - 1] + _maxRecords[d];
            _cumulativeBytes[d] = EncSize(cumulative[d]);
        }
    }

    public int Type { get; }

    private static int EncSize(BigInteger v) => (int)(v.GetBitLength() - 1) / 8 + 1;

    public void Iterate(Action<ReadOnlySpan<byte>> visit)
    {
        if (_root < 0 || _total == 0) return;
        Visit(_root, _depth, _rootRecords, visit, []);
    }

    private void Visit(long address, int depth, int records, Action<ReadOnlySpan<byte>> visit, HashSet<long> visited)
    {
        if (records > _maxRecords[depth]) throw new Hdf5FormatException("v2 B-tree node claims too many records", address);
        if (!visited.Add(address) || visited.Count > _ctx.FileLength / Prefix) throw new Hdf5FormatException("v2 B-tree is cyclic or inconsistent", _address);
        var c = _ctx.Cursor(address, _nodeSize, "v2 B-tree node");
        c.Signature(depth == 0 ? "BTLF" : "BTIN");
        c.Skip(2);
        var recordStart = c.Position;
        for (var i = 0; i < records; i++) visit(c.Bytes(_recordSize));
        if (depth == 0) return;
        c.Position = recordStart + records * _recordSize;
        for (var i = 0; i <= records; i++)
        {
            var child = c.Address();
            var childRecords = c.Checked(c.UVar(_recordCountBytes), "record count");
            if (depth > 1) c.UVar(Math.Max(1, _cumulativeBytes[depth - 1]));
            Visit(child, depth - 1, (int)Math.Min(childRecords, int.MaxValue), visit, visited);
        }
    }
}
