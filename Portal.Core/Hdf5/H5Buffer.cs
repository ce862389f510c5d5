using System.Buffers.Binary;

namespace Portal.Core.Hdf5;

/// <summary>Growable little-endian byte buffer used to encode metadata blocks before they are written.</summary>
internal sealed class H5Buffer
{
    private byte[] _data = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _data.AsSpan(0, Length);

    private Span<byte> Grow(int n)
    {
        if (Length + n > _data.Length) Array.Resize(ref _data, Math.Max(_data.Length * 2, Length + n));
        var s = _data.AsSpan(Length, n);
        s.Clear();
        Length += n;
        return s;
    }

    public H5Buffer U8(int v) { Grow(1)[0] = (byte)v; return this; }
    public H5Buffer U16(int v) { BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), (ushort)v); return this; }
    public H5Buffer U32(long v) { BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), (uint)v); return this; }
    public H5Buffer U64(long v) { BinaryPrimitives.WriteInt64LittleEndian(Grow(8), v); return this; }
    public H5Buffer Bytes(ReadOnlySpan<byte> b) { b.CopyTo(Grow(b.Length)); return this; }
    public H5Buffer Zeros(int n) { Grow(n); return this; }
    public H5Buffer Ascii(string s) { foreach (var c in s) U8(c); return this; }

    /// <summary>Pads with zeros up to a multiple of <paramref name="alignment"/> (relative to the buffer start).</summary>
    public H5Buffer Align(int alignment)
    {
        var rem = Length % alignment;
        if (rem != 0) Grow(alignment - rem);
        return this;
    }

    public void PatchU16(int at, int v) => BinaryPrimitives.WriteUInt16LittleEndian(_data.AsSpan(at, 2), (ushort)v);
    public void PatchU32(int at, long v) => BinaryPrimitives.WriteUInt32LittleEndian(_data.AsSpan(at, 4), (uint)v);

    public byte[] ToArray() => Span.ToArray();
}
