namespace Portal.Core.Hdf5;

// The names mirror HDF5's own type classes (the contract other code is written against).
#pragma warning disable CA1720

/// <summary>How a dataset's elements are stored.</summary>
public enum H5StorageLayout
{
    Compact,
    Contiguous,
    Chunked,
}

public enum H5TypeKind
{
    Integer,
    Float,
    String,
    /// <summary>A class this codec does not decode (compound, variable-length, enum, ...).</summary>
    Other,
}

/// <summary>Element type of a dataset or attribute. <c>Size</c> is in bytes; strings are fixed-length.</summary>
public sealed record H5DataType(H5TypeKind Kind, int Size, bool Signed, bool BigEndian = false, bool Utf8 = false, int TypeClass = -1)
{
    /// <summary>String padding: 0 = null-terminated, 1 = null-padded, 2 = space-padded.</summary>
    public int Padding { get; init; } = 1;

    /// <summary>Variable-length strings (read-only support): elements point into the global heap.</summary>
    public bool VariableLength { get; init; }

    public override string ToString() => Kind switch
    {
        H5TypeKind.Integer => $"{(Signed ? "int" : "uint")}{Size * 8}{(BigEndian ? "be" : "")}",
        H5TypeKind.Float => $"float{Size * 8}{(BigEndian ? "be" : "")}",
        H5TypeKind.String => $"string[{(VariableLength ? "variable" : Size)}]{(Utf8 ? " utf8" : "")}",
        _ => $"class{TypeClass}[{Size}]",
    };

    internal static H5DataType For<T>() where T : unmanaged
    {
        var t = typeof(T);
        if (t == typeof(double)) return new(H5TypeKind.Float, 8, true);
        if (t == typeof(float)) return new(H5TypeKind.Float, 4, true);
        if (t == typeof(int)) return new(H5TypeKind.Integer, 4, true);
        if (t == typeof(long)) return new(H5TypeKind.Integer, 8, true);
        if (t == typeof(byte)) return new(H5TypeKind.Integer, 1, false);
        // bool has no HDF5 class: it is stored as uint8 (0/1), the h5py/pandas convention.
        if (t == typeof(bool)) return new(H5TypeKind.Integer, 1, false);
        if (t == typeof(sbyte)) return new(H5TypeKind.Integer, 1, true);
        if (t == typeof(short)) return new(H5TypeKind.Integer, 2, true);
        if (t == typeof(ushort)) return new(H5TypeKind.Integer, 2, false);
        if (t == typeof(uint)) return new(H5TypeKind.Integer, 4, false);
        if (t == typeof(ulong)) return new(H5TypeKind.Integer, 8, false);
        throw new NotSupportedException($"HDF5 element type {t.Name} is not supported (use float, double, int, long, byte, bool).");
    }
}
#pragma warning restore CA1720
