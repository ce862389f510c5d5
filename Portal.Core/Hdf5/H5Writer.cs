using System.Runtime.InteropServices;
using System.Text;

namespace Portal.Core.Hdf5;

/// <summary>
/// Streaming HDF5 writer. Raw data goes to a temporary file as it is supplied; object headers, groups
/// (symbol tables: v1 B-tree + local heap) and the superblock (v0) are written on <see cref="Commit"/>,
/// which then renames the file into place. The output is readable by libhdf5 1.8+ tools.
/// Not thread-safe. bool elements are stored as uint8 (0/1).
/// </summary>
public sealed partial class H5Writer : IDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly H5WriterOptions _options;
    private FileStream? _file;
    private long _eof;
    private bool _committed;
    internal H5DatasetStreamBase? OpenStream;
    private readonly WNode _root = new("", null, isGroup: true);

    private H5Writer(string path, H5WriterOptions options)
    {
        _path = Path.GetFullPath(path);
        _options = options;
        _tempPath = _path + ".tmp-" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 6));
        _file = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            Math.Max(4096, options.BufferSize), FileOptions.None);
        _file.Write(new byte[H5Encode.SuperblockSize]); // patched on commit
        _eof = H5Encode.SuperblockSize;
    }

    /// <summary>Starts a file that becomes visible at <paramref name="path"/> only when committed.</summary>
    public static H5Writer Create(string path, H5WriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        return new H5Writer(path, options ?? new H5WriterOptions());
    }

    /// <summary>Path of the temporary file being written (exposed for diagnostics and tests).</summary>
    public string TempPath => _tempPath;

    public void CreateGroup(string path) => Resolve(path, createGroups: true, requireGroup: true);

    public void WriteDataset<T>(string path, ReadOnlySpan<T> data, H5Layout? layout = null) where T : unmanaged =>
        WriteDataset(path, data, [data.Length], layout);

    /// <summary>Writes an N-D dataset (row-major <paramref name="data"/>, e.g. shape [rows, cols]).</summary>
    public void WriteDataset<T>(string path, ReadOnlySpan<T> data, long[] shape, H5Layout? layout = null) where T : unmanaged
    {
        using var stream = BeginDataset<T>(path, shape, layout);
        stream.Append(data);
        stream.Complete();
    }

    /// <summary>Fixed-length, null-padded strings (ASCII, or UTF-8 if any value needs it).</summary>
    public void WriteStrings(string path, IReadOnlyList<string> values, int? fixedLength = null, H5Layout? layout = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var encoded = new byte[values.Count][];
        var max = 1;
        var utf8 = false;
        for (var i = 0; i < values.Count; i++)
        {
            var s = values[i] ?? throw new ArgumentException($"string value {i} is null", nameof(values));
            encoded[i] = Encoding.UTF8.GetBytes(s);
            max = Math.Max(max, encoded[i].Length);
            utf8 |= encoded[i].Length != s.Length;
        }
        var width = fixedLength ?? max;
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1, nameof(fixedLength));
        if (max > width && values.Count > 0)
            throw new ArgumentException($"a value is {max} bytes in UTF-8, longer than the fixed length {width}", nameof(values));
        var type = new H5DataType(H5TypeKind.String, width, false, Utf8: utf8);
        using var stream = Begin(path, [values.Count], type, layout);
        // Encode in batches so a large string column never becomes one giant buffer.
        var batch = new byte[Math.Max(1, (1 << 20) / width) * width];
        var used = 0;
        foreach (var e in encoded)
        {
            e.CopyTo(batch, used);
            Array.Clear(batch, used + e.Length, width - e.Length);
            used += width;
            if (used == batch.Length) { stream.AppendBytes(batch); used = 0; }
        }
        stream.AppendBytes(batch.AsSpan(0, used));
        stream.Complete();
    }

    public H5DatasetStream<T> BeginDataset<T>(string path, long length, H5Layout? layout = null) where T : unmanaged =>
        BeginDataset<T>(path, [length], layout);

    public H5DatasetStream<T> BeginDataset<T>(string path, long[] shape, H5Layout? layout = null) where T : unmanaged
    {
        var type = H5DataType.For<T>();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the HDF5 writer assumes a little-endian CPU");
        return new H5DatasetStream<T>(Begin(path, shape, type, layout));
    }

    private H5DatasetStreamBase Begin(string path, long[] shape, H5DataType type, H5Layout? layout)
    {
        ArgumentNullException.ThrowIfNull(shape);
        EnsureWritable();
        if (shape.Length is < 1 or > 32) throw new ArgumentException("a dataset needs 1 to 32 dimensions", nameof(shape));
        foreach (var d in shape) ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
        var (parent, name) = ResolveParent(path);
        if (parent.Children.ContainsKey(name)) throw new ArgumentException($"'{path}' already exists", nameof(path));
        var node = new WNode(name, parent, isGroup: false);
        var info = new DatasetInfo(shape, type, layout ?? H5Layout.Contiguous);
        node.Dataset = info;
        var stream = new H5DatasetStreamBase(this, info, path);
        parent.Children.Add(name, node);
        OpenStream = stream;
        return stream;
    }

    public void SetAttribute(string objectPath, string name, double value) => SetAttr(objectPath, name, H5DataType.For<double>(), [], MemoryMarshal.AsBytes(new[] { value }.AsSpan()));
    public void SetAttribute(string objectPath, string name, long value) => SetAttr(objectPath, name, H5DataType.For<long>(), [], MemoryMarshal.AsBytes(new[] { value }.AsSpan()));
    public void SetAttribute(string objectPath, string name, int value) => SetAttr(objectPath, name, H5DataType.For<int>(), [], MemoryMarshal.AsBytes(new[] { value }.AsSpan()));
    public void SetAttribute(string objectPath, string name, double[] values) => SetAttr(objectPath, name, H5DataType.For<double>(), [Len(values)], MemoryMarshal.AsBytes(values.AsSpan()));
    public void SetAttribute(string objectPath, string name, long[] values) => SetAttr(objectPath, name, H5DataType.For<long>(), [Len(values)], MemoryMarshal.AsBytes(values.AsSpan()));
    public void SetAttribute(string objectPath, string name, int[] values) => SetAttr(objectPath, name, H5DataType.For<int>(), [Len(values)], MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>Scalar fixed-length string attribute (null-padded; UTF-8 if needed).</summary>
    public void SetAttribute(string objectPath, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        var type = new H5DataType(H5TypeKind.String, Math.Max(1, bytes.Length), false, Utf8: bytes.Length != value.Length);
        var data = new byte[type.Size];
        bytes.CopyTo(data, 0);
        SetAttr(objectPath, name, type, [], data);
    }

    private static long Len(Array values) => (values ?? throw new ArgumentNullException(nameof(values))).Length;

    private void SetAttr(string objectPath, string name, H5DataType type, long[] dims, ReadOnlySpan<byte> data)
    {
        EnsureWritable(allowOpenStream: true);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var node = Resolve(objectPath, createGroups: false, requireGroup: false);
        var message = H5Encode.Attribute(name, type, dims, data);
        if (message.Length > 60_000)
            throw new ArgumentException($"attribute '{name}' is {message.Length} bytes; version-1 object headers hold at most ~64 KiB per attribute", nameof(name));
        node.Attributes[name] = message;
    }

    /// <summary>Writes all metadata, flushes (fsync if durable) and atomically renames the file into place.</summary>
    public void Commit()
    {
        EnsureWritable();
        var file = _file!;
        var (rootHeader, rootBtree, rootHeap) = WriteGroup(_root);
        file.Position = 0;
        file.Write(H5Encode.Superblock(_eof, rootHeader, rootBtree, rootHeap));
        file.Position = _eof;
        file.Flush(_options.Durable);
        file.Dispose();
        _file = null;
        File.Move(_tempPath, _path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_file is not null)
        {
            _file.Dispose();
            _file = null;
        }
        if (!_committed && File.Exists(_tempPath)) File.Delete(_tempPath);
    }

    private void EnsureWritable(bool allowOpenStream = false)
    {
        ObjectDisposedException.ThrowIf(_file is null, this);
        if (!allowOpenStream && OpenStream is not null)
            throw new InvalidOperationException($"dataset '{OpenStream.Path}' is still being streamed; call Complete() first");
    }

    /// <summary>Appends raw bytes at the end of the file and returns their address.</summary>
    internal long Append(ReadOnlySpan<byte> bytes)
    {
        var at = _eof;
        _file!.Write(bytes);
        _eof += bytes.Length;
        return at;
    }

    internal long Position => _eof;

    private static string[] Split(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var p in parts)
            if (p is "." or "..") throw new ArgumentException($"invalid HDF5 path '{path}'", nameof(path));
        return parts;
    }

    private WNode Resolve(string path, bool createGroups, bool requireGroup)
    {
        var node = _root;
        foreach (var part in Split(path))
        {
            if (!node.IsGroup) throw new ArgumentException($"'{path}': '{node.Name}' is a dataset, not a group", nameof(path));
            if (!node.Children.TryGetValue(part, out var child))
            {
                if (!createGroups) throw new KeyNotFoundException($"HDF5 object '{path}' does not exist");
                child = new WNode(part, node, isGroup: true);
                node.Children.Add(part, child);
            }
            node = child;
        }
        if (requireGroup && !node.IsGroup) throw new ArgumentException($"'{path}' is a dataset, not a group", nameof(path));
        return node;
    }

    private (WNode Parent, string Name) ResolveParent(string path)
    {
        var parts = Split(path);
        if (parts.Length == 0) throw new ArgumentException("a dataset path needs a name", nameof(path));
        var parent = Resolve(string.Join('/', parts[..^1]), createGroups: true, requireGroup: true);
        return (parent, parts[^1]);
    }

    private sealed class WNode(string name, WNode? parent, bool isGroup)
    {
        public string Name { get; } = name;
        public WNode? Parent { get; } = parent;
        public bool IsGroup { get; } = isGroup;
        public SortedDictionary<string, WNode> Children { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, byte[]> Attributes { get; } = new(StringComparer.Ordinal);
        public DatasetInfo? Dataset { get; set; }
    }
}
