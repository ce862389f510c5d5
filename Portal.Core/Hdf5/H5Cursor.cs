using System.Buffers.Binary;

namespace Portal.Core.Hdf5;

/// <summary>
/// Bounds-checked little-endian decoder over one metadata block. Every overrun becomes an
/// <see cref="Hdf5FormatException"/> carrying the absolute file offset.
/// </summary>
internal sealed class H5Cursor(byte[] data, long fileOffset, int offsetSize, int lengthSize)
{
    private readonly byte[] _data = data;

    public int Position { get; set; }
    public int Length => _data.Length;
    public int Remaining => _data.Length - Position;
    public long FileOffset => fileOffset + Position;
    public int OffsetSize => offsetSize;
    public int LengthSize => lengthSize;

    public Hdf5FormatException Error(string message) => new(message, FileOffset);

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > Remaining) throw Error($"structure truncated: needs {n} bytes, {Math.Max(0, Remaining)} left");
        var s = _data.AsSpan(Position, n);
        Position += n;
        return s;
    }

    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Unsigned little-endian integer of 1..8 bytes.</summary>
    public ulong UVar(int size)
    {
        if (size is < 1 or > 8) throw Error($"invalid field size {size}");
        var s = Take(size);
        ulong v = 0;
        for (var i = size - 1; i >= 0; i--) v = (v << 8) | s[i];
        return v;
    }

    /// <summary>A file address; all bits set (undefined) becomes -1.</summary>
    public long Address()
    {
        var v = UVar(offsetSize);
        if (v == (offsetSize == 8 ? ulong.MaxValue : (1UL << (offsetSize * 8)) - 1)) return -1;
        if (v > long.MaxValue) throw Error("address out of range");
        return (long)v;
    }

    /// <summary>A length field; values beyond <see cref="long.MaxValue"/> are corrupt.</summary>
    public long Len() => Checked(UVar(lengthSize), "length");

    public long Checked(ulong v, string what) => v <= long.MaxValue ? (long)v : throw Error($"{what} out of range");

    public ReadOnlySpan<byte> Bytes(int n) => Take(n);
    public byte[] ByteArray(int n) => Take(n).ToArray();
    public void Skip(int n) => Take(n);

    public void Signature(string expected)
    {
        var s = Take(4);
        for (var i = 0; i < 4; i++)
            if (s[i] != expected[i]) { Position -= 4; throw Error($"expected signature '{expected}'"); }
    }

    public void AlignTo(int alignment, int relativeTo = 0)
    {
        var rem = (Position - relativeTo) % alignment;
        if (rem != 0) Skip(alignment - rem);
    }
}
