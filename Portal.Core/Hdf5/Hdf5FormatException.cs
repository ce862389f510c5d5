namespace Portal.Core.Hdf5;

/// <summary>
/// Raised for any corrupt, truncated or unsupported HDF5 input. Every read path converts lower-level
/// failures (bounds, overflow, zlib errors, end of stream) into this type so callers handle one exception.
/// </summary>
public sealed class Hdf5FormatException : Exception
{
    public Hdf5FormatException(string message, long offset, Exception? innerException = null)
        : base(offset >= 0 ? $"{message} (at file offset {offset})" : message, innerException)
    {
        Offset = offset;
    }

    /// <summary>File offset of the structure being decoded when the problem was found (-1 if unknown).</summary>
    public long Offset { get; }
}
