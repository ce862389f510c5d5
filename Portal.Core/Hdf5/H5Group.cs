namespace Portal.Core.Hdf5;

/// <summary>A group: its member groups and datasets (sorted by name) and attributes. Members load lazily.</summary>
public sealed class H5Group
{
    private readonly H5File _file;
    private readonly long _address;
    private Dictionary<string, long>? _links;
    private List<string>? _names;
    private IReadOnlyList<H5Attribute>? _attributes;

    internal H5Group(H5File file, string path, long address)
    {
        _file = file;
        Path = path;
        _address = address;
    }

    public string Path { get; }
    public string Name => Path == "/" ? "/" : Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>Names of all hard-linked members (groups, datasets and anything else), ordinal order.</summary>
    public IReadOnlyList<string> MemberNames { get { Load(); return _names!; } }

    public IReadOnlyList<H5Group> Groups => H5Guard.Run(_address, () =>
        MemberNames.Where(n => Header(_links![n]).IsGroup).Select(n => new H5Group(_file, Child(n), _links![n])).ToList());

    public IReadOnlyList<H5Dataset> Datasets => H5Guard.Run(_address, () =>
        MemberNames.Where(n => Header(_links![n]).IsDataset).Select(n => new H5Dataset(_file, Child(n), _links![n])).ToList());

    public IReadOnlyList<H5Attribute> Attributes =>
        _attributes ??= H5Guard.Run(_address, () => H5Links.Attributes(_file.Context, Header(_address)));

    public H5Attribute? FindAttribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    public H5Group GetGroup(string path)
    {
        var (p, address, header) = Resolve(path);
        return header.IsGroup ? new H5Group(_file, p, address) : throw new KeyNotFoundException($"HDF5 object '{p}' is not a group");
    }

    public H5Dataset GetDataset(string path)
    {
        var (p, address, header) = Resolve(path);
        return header.IsDataset ? new H5Dataset(_file, p, address) : throw new KeyNotFoundException($"HDF5 object '{p}' is not a dataset");
    }

    public bool Exists(string path)
    {
        try
        {
            Resolve(path);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    public override string ToString() => Path;

    private string Child(string name) => Path == "/" ? "/" + name : Path + "/" + name;

    private H5ObjectHeader Header(long address) => _file.Context.Header(address);

    private void Load()
    {
        if (_links is not null) return;
        H5Guard.Run(_address, () =>
        {
            var links = H5Links.Links(_file.Context, Header(_address));
            var map = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (name, address) in links) map.TryAdd(name, address);
            _names = [.. map.Keys.Order(StringComparer.Ordinal)];
            _links = map;
        });
    }

    private (string Path, long Address, H5ObjectHeader Header) Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var start = path.StartsWith('/') ? _file.Root : this;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var group = start;
        var address = start._address;
        var current = start.Path;
        for (var i = 0; i < parts.Length; i++)
        {
            group.Load();
            if (!group._links!.TryGetValue(parts[i], out address))
                throw new KeyNotFoundException($"HDF5 path '{path}' not found ('{parts[i]}' is not in {group.Path})");
            current = group.Child(parts[i]);
            var header = H5Guard.Run(address, () => Header(address));
            if (i == parts.Length - 1) return (current, address, header);
            if (!header.IsGroup) throw new KeyNotFoundException($"HDF5 path '{path}' not found ('{current}' is not a group)");
            group = new H5Group(_file, current, address);
        }
        return (current, address, H5Guard.Run(address, () => Header(address)));
    }
}
