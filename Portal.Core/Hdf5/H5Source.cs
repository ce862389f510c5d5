using Microsoft.Win32.SafeHandles;

namespace Portal.Core.Hdf5;

/// <summary>Random-access byte source behind a reader: a file handle (lock-free) or any seekable stream.</summary>
internal abstract class H5Source : IDisposable
{
    public abstract long Length { get; }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; false if the file ends first.</summary>
    public abstract bool TryRead(long offset, Span<byte> destination);

    public abstract void Dispose();
}

internal sealed class H5FileSource(SafeFileHandle handle) : H5Source
{
    public override long Length { get; } = RandomAccess.GetLength(handle);

    public override bool TryRead(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var n = RandomAccess.Read(handle, destination, offset);
            if (n <= 0) return false;
            destination = destination[n..];
            offset += n;
        }
        return true;
    }

    public override void Dispose() => handle.Dispose();
}

internal sealed class H5StreamSource(Stream stream, bool leaveOpen) : H5Source
{
    private readonly Lock _gate = new();

    public override long Length { get; } = stream.Length;

    public override bool TryRead(long offset, Span<byte> destination)
    {
        lock (_gate)
        {
            stream.Position = offset;
            while (!destination.IsEmpty)
            {
                var n = stream.Read(destination);
                if (n <= 0) return false;
                destination = destination[n..];
            }
            return true;
        }
    }

    public override void Dispose()
    {
        if (!leaveOpen) stream.Dispose();
    }
}
