using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Portal.Core.Hdf5;

/// <summary>Converts raw element bytes (file byte order) into CLR values.</summary>
internal static class H5Convert
{
    /// <summary>True when the raw bytes can be copied as-is (after an optional byte swap) into T.</summary>
    public static bool IsDirect<T>(H5DataType t) where T : unmanaged
    {
        if (t.Kind is H5TypeKind.String or H5TypeKind.Other) return false;
        var target = H5DataType.For<T>();
        if (typeof(T) == typeof(bool)) return false; // needs 0/1 normalisation
        return target.Kind == t.Kind && target.Size == t.Size && (target.Signed == t.Signed || t.Kind == H5TypeKind.Float);
    }

    public static void Into<T>(ReadOnlySpan<byte> raw, H5DataType t, Span<T> dst) where T : unmanaged
    {
        if (t.Kind is H5TypeKind.String or H5TypeKind.Other)
            throw new InvalidOperationException($"cannot read {t} elements as {typeof(T).Name}");
        if (IsDirect<T>(t))
        {
            var bytes = MemoryMarshal.AsBytes(dst);
            raw[..bytes.Length].CopyTo(bytes);
            if (t.BigEndian) Swap(bytes, t.Size);
            return;
        }
        // Mixed types: go through double (floats) or long (integers), one element at a time.
        var target = H5DataType.For<T>();
        for (var i = 0; i < dst.Length; i++)
        {
            var e = raw.Slice(i * t.Size, t.Size);
            if (target.Kind == H5TypeKind.Float)
            {
                var d = ToDouble(e, t);
                dst[i] = typeof(T) == typeof(float) ? (T)(object)(float)d : (T)(object)d;
            }
            else
            {
                var v = t.Kind == H5TypeKind.Float ? (long)ToDouble(e, t) : ToLong(e, t);
                dst[i] = FromLong<T>(v);
            }
        }
    }

    private static T FromLong<T>(long v) where T : unmanaged
    {
        object o = typeof(T) switch
        {
            var x when x == typeof(long) => v,
            var x when x == typeof(int) => unchecked((int)v),
            var x when x == typeof(short) => unchecked((short)v),
            var x when x == typeof(sbyte) => unchecked((sbyte)v),
            var x when x == typeof(byte) => unchecked((byte)v),
            var x when x == typeof(ushort) => unchecked((ushort)v),
            var x when x == typeof(uint) => unchecked((uint)v),
            var x when x == typeof(ulong) => unchecked((ulong)v),
            var x when x == typeof(bool) => v != 0,
            _ => throw new NotSupportedException(typeof(T).Name),
        };
        return (T)o;
    }

    public static double ToDouble(ReadOnlySpan<byte> e, H5DataType t)
    {
        if (t.Kind == H5TypeKind.Float)
        {
            return t.Size == 4
                ? (t.BigEndian ? BinaryPrimitives.ReadSingleBigEndian(e) : BinaryPrimitives.ReadSingleLittleEndian(e))
                : (t.BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(e) : BinaryPrimitives.ReadDoubleLittleEndian(e));
        }
        if (!t.Signed && t.Size == 8) return t.BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(e) : BinaryPrimitives.ReadUInt64LittleEndian(e);
        return ToLong(e, t);
    }

    public static long ToLong(ReadOnlySpan<byte> e, H5DataType t)
    {
        ulong v = 0;
        for (var i = 0; i < t.Size; i++) v |= (ulong)e[t.BigEndian ? t.Size - 1 - i : i] << (8 * i);
        if (t.Signed && t.Size < 8 && (v & (1UL << (t.Size * 8 - 1))) != 0) v |= ulong.MaxValue << (t.Size * 8);
        return unchecked((long)v);
    }

    public static void Swap(Span<byte> bytes, int size)
    {
        if (size == 1) return;
        for (var i = 0; i + size <= bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }

    public static string[] Strings(ReadOnlySpan<byte> raw, H5DataType t, long count)
    {
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            var e = raw.Slice(i * t.Size, t.Size);
            var nul = e.IndexOf((byte)0);
            if (nul >= 0) e = e[..nul];
            if (t.Padding == 2) e = e.TrimEnd((byte)' ');
            result[i] = Encoding.UTF8.GetString(e);
        }
        return result;
    }

    /// <summary>Decodes an attribute value: a scalar of the natural CLR type, an array, or strings.</summary>
    public static object Value(ReadOnlySpan<byte> raw, H5DataType t, long count, bool scalar)
    {
        if (t.Kind == H5TypeKind.String)
        {
            var s = Strings(raw, t, count);
            return scalar && s.Length == 1 ? s[0] : s;
        }
        if (t.Kind == H5TypeKind.Other) return raw.ToArray();
        Array array = t.Kind == H5TypeKind.Float
            ? (t.Size == 4 ? Typed<float>(raw, t, count) : Typed<double>(raw, t, count))
            : (t.Size, t.Signed) switch
            {
                (1, true) => Typed<sbyte>(raw, t, count),
                (1, false) => Typed<byte>(raw, t, count),
                (2, true) => Typed<short>(raw, t, count),
                (2, false) => Typed<ushort>(raw, t, count),
                (4, true) => Typed<int>(raw, t, count),
                (4, false) => Typed<uint>(raw, t, count),
                (8, true) => Typed<long>(raw, t, count),
                _ => Typed<ulong>(raw, t, count),
            };
        return scalar && array.Length == 1 ? array.GetValue(0)! : array;
    }

    private static T[] Typed<T>(ReadOnlySpan<byte> raw, H5DataType t, long count) where T : unmanaged
    {
        var a = new T[count];
        Into<T>(raw, t, a);
        return a;
    }
}
