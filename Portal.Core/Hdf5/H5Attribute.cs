using System.Globalization;

namespace Portal.Core.Hdf5;

/// <summary>
/// An attribute read from a file. <see cref="Value"/> is a scalar of the natural CLR type (double, float,
/// int, long, byte, ... or string) for scalar dataspaces, otherwise an array of that type (string[] for strings).
/// </summary>
public sealed class H5Attribute
{
    private readonly byte[] _raw;
    private object? _value;

    internal H5Attribute(string name, H5DataType type, long[] shape, bool isNull, byte[] raw, object? decoded = null)
    {
        _value = decoded;
        Name = name;
        DataType = type;
        Shape = shape;
        IsScalar = shape.Length == 0 && !isNull;
        _raw = raw;
    }

    public string Name { get; }
    public H5DataType DataType { get; }
    public IReadOnlyList<long> Shape { get; }
    public bool IsScalar { get; }

    public object Value => _value ??= H5Guard.Run(-1, () =>
        H5Convert.Value(_raw, DataType, DataType.Size == 0 ? 0 : _raw.Length / DataType.Size, IsScalar));

    public string AsString() => Value switch
    {
        string s => s,
        string[] a => string.Join(",", a),
        Array a => string.Join(",", a.Cast<object>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString() ?? "",
    };

    public double AsDouble() => Value is Array a ? Convert.ToDouble(a.GetValue(0), CultureInfo.InvariantCulture) : Convert.ToDouble(Value, CultureInfo.InvariantCulture);
    public long AsLong() => Value is Array a ? Convert.ToInt64(a.GetValue(0), CultureInfo.InvariantCulture) : Convert.ToInt64(Value, CultureInfo.InvariantCulture);

    public override string ToString() => $"{Name} = {AsString()}";
}
