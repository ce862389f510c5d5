using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Portal.Core.Features.DataReleases;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// A release's dataset and calibration package opened once per worker (and shared by its threads):
/// both artifacts are sha256-verified on open, the calibration cells and entity graph are read once,
/// and each dataset variable is read on first use and then cached. Areas never reload anything.
/// </summary>
public sealed class SourceSnapshot : IDisposable
{
    private readonly H5File _dataset;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Entity, Lazy<MicrodataColumn> Column)> _variables;
    private readonly Lazy<EntityGraph> _graph;
    private readonly Lazy<string> _geographyChecksum;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Dictionary<long, double>>> _weightedPersons = new(StringComparer.Ordinal);

    private SourceSnapshot(PublishingInputs inputs, string country, int period, H5File dataset, CalibrationCells cells, long[] householdIds,
        Dictionary<string, string> entities)
    {
        Inputs = inputs;
        Country = country;
        Period = period;
        _dataset = dataset;
        Cells = cells;
        HouseholdIds = householdIds;
        var key = period.ToString(CultureInfo.InvariantCulture);
        _variables = entities.ToDictionary(e => e.Key, e => (e.Value, new Lazy<MicrodataColumn>(() => Read(e.Key, e.Value, key), LazyThreadSafetyMode.ExecutionAndPublication)), StringComparer.Ordinal);
        _graph = new(BuildGraph, LazyThreadSafetyMode.ExecutionAndPublication);
        _geographyChecksum = new(ComputeGeographyChecksum, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public PublishingInputs Inputs { get; }

    /// <summary><c>us</c> or <c>uk</c> (the dataset's <c>country</c> attribute).</summary>
    public string Country { get; }

    public int Period { get; }

    public CalibrationCells Cells { get; }

    /// <summary>The dataset's household ids, by row.</summary>
    public long[] HouseholdIds { get; }

    public int NClones => Cells.NClones;

    public EntityGraph Graph => _graph.Value;

    /// <summary>Names of the dataset's variables, sorted.</summary>
    public IReadOnlyList<string> Variables => _variables.Keys.Order(StringComparer.Ordinal).ToArray();

    public string EntityOf(string variable) => _variables[variable].Entity;

    public bool HasVariable(string variable) => _variables.ContainsKey(variable);

    /// <summary>The whole column, read on first use and cached (thread-safe).</summary>
    public MicrodataColumn Column(string variable) => _variables.TryGetValue(variable, out var v)
        ? v.Column.Value
        : throw new KeyNotFoundException($"The dataset has no variable '{variable}'.");

    /// <summary>sha256 over the geography as published: every field's name, categories and codes, plus clone and household per cell.</summary>
    public string GeographyChecksum => _geographyChecksum.Value;

    /// <summary>Σ weight × household persons per code of a geography field, over all cells (one scan, cached).</summary>
    public IReadOnlyDictionary<long, double> WeightedPersonsByCode(string field) =>
        _weightedPersons.GetOrAdd(field, f => new Lazy<Dictionary<long, double>>(() =>
        {
            var codes = Cells.Field(f).Codes;
            var offsets = Graph.HouseholdPersonOffsets;
            var sums = new Dictionary<long, double>();
            for (var i = 0; i < codes.Length; i++)
            {
                var h = Cells.Household[i];
                var w = Cells.Weight[i];
                if (w > 0)
                {
                    sums[codes[i]] = sums.GetValueOrDefault(codes[i]) + w * (offsets[h + 1] - offsets[h]);
                }
            }

            return sums;
        }, LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public static SourceSnapshot Open(PublishingInputs inputs, string artifactRoot)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var datasetPath = Resolve(inputs.Dataset, artifactRoot);
        var calibrationPath = Resolve(inputs.CalibrationPackage, artifactRoot);
        var dataset = H5File.Open(datasetPath);
        try
        {
            var root = dataset.Root;
            var country = root.FindAttribute("country")?.AsString() ?? throw new InvalidDataException("The dataset has no 'country' attribute.");
            var period = (int)(root.FindAttribute("period")?.AsLong() ?? throw new InvalidDataException("The dataset has no 'period' attribute."));
            var key = period.ToString(CultureInfo.InvariantCulture);
            var entities = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var group in root.Groups)
            {
                if (group.Exists(key))
                {
                    var entity = group.GetDataset(key).FindAttribute("entity")?.AsString()
                        ?? throw new InvalidDataException($"Dataset variable '{group.Name}' has no 'entity' attribute.");
                    entities[group.Name] = entity;
                }
            }

            if (!entities.ContainsKey("household_id") || !entities.ContainsKey("person_household_id"))
            {
                throw new InvalidDataException("The dataset needs household_id and person_household_id.");
            }

            var householdIds = root.GetDataset($"household_id/{key}").Read<long>();
            var cells = ReadCells(calibrationPath, householdIds);
            if (inputs.NClones > 0 && inputs.NClones != cells.NClones)
            {
                throw new InvalidDataException($"The publish expects {inputs.NClones} clones but the calibration package has {cells.NClones}.");
            }

            return new SourceSnapshot(inputs, country, period, dataset, cells, householdIds, entities);
        }
        catch
        {
            dataset.Dispose();
            throw;
        }
    }

    /// <summary>Absolute paths, else the content-addressed store layout (<c>sha256/ab/hash</c>), else relative to the root; the bytes must hash to the ref's sha256.</summary>
    internal static string Resolve(ArtifactRef artifact, string artifactRoot)
    {
        var candidates = new[]
        {
            Path.IsPathRooted(artifact.Path) ? artifact.Path : null,
            FileSystemArtifactStore.IsHash(artifact.Sha256) ? Path.Combine(artifactRoot, "sha256", artifact.Sha256[..2].ToLowerInvariant(), artifact.Sha256.ToLowerInvariant()) : null,
            Path.Combine(artifactRoot, artifact.Path),
        };
        var path = candidates.FirstOrDefault(c => c is not null && File.Exists(c))
            ?? throw new FileNotFoundException($"Artifact '{artifact.Name}' ({artifact.Sha256}) was not found under '{artifactRoot}'.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        return string.Equals(actual, artifact.Sha256, StringComparison.OrdinalIgnoreCase) ? path : throw new ArtifactIntegrityException(artifact.Sha256, actual);
    }

    private static CalibrationCells ReadCells(string path, long[] householdIds)
    {
        using var file = H5File.Open(path);
        var row = new Dictionary<long, int>(householdIds.Length);
        for (var i = 0; i < householdIds.Length; i++)
        {
            row[householdIds[i]] = i;
        }

        var root = file.Root;
        var clone = root.GetDataset("clone").Read<int>();
        var ids = root.GetDataset("household_id").Read<long>();
        var weight = root.GetDataset("weight").Read<double>();
        var household = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            household[i] = row.TryGetValue(ids[i], out var r)
                ? r
                : throw new InvalidDataException($"Calibration cell {i} names household {ids[i]}, which the dataset does not have.");
        }

        var geography = new List<GeographyField>();
        foreach (var d in root.Datasets.Where(d => d.Name is not ("clone" or "household_id" or "weight")))
        {
            switch (d.DataType.Kind)
            {
                case H5TypeKind.Integer:
                    geography.Add(new GeographyField(d.Name, d.Read<long>(), null));
                    break;
                case H5TypeKind.String:
                    var strings = d.ReadStrings();
                    var categories = strings.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                    var index = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => (long)x.i, StringComparer.Ordinal);
                    geography.Add(new GeographyField(d.Name, strings.Select(s => index[s]).ToArray(), categories));
                    break;
            }
        }

        return new CalibrationCells(clone, household, weight, geography);
    }

    private MicrodataColumn Read(string name, string entity, string key)
    {
        // The codec is not thread-safe; reads are rare (once per variable per snapshot).
        lock (_gate)
        {
            var d = _dataset.Root.GetDataset($"{name}/{key}");
            return d.DataType switch
            {
                { Kind: H5TypeKind.Float } => new DoubleColumn(name, entity, d.Read<double>()),
                { Kind: H5TypeKind.Integer, Size: 1, Signed: false } => new BoolColumn(name, entity, d.Read<byte>().Select(b => b != 0).ToArray()),
                { Kind: H5TypeKind.Integer, Size: 8 } => new LongColumn(name, entity, d.Read<long>()),
                { Kind: H5TypeKind.Integer } => new IntColumn(name, entity, d.Read<int>()),
                { Kind: H5TypeKind.String } => Categorical(name, entity, d.ReadStrings()),
                _ => throw new InvalidDataException($"Variable '{name}' has an unsupported type {d.DataType}."),
            };
        }
    }

    private static CategoryColumn Categorical(string name, string entity, string[] values)
    {
        var categories = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        return new CategoryColumn(name, entity, categories.Length == 0 ? [""] : categories, values.Select(v => index[v]).ToArray());
    }

    private EntityGraph BuildGraph()
    {
        var personHousehold = Ids("person_household_id");
        var subEntities = _variables
            .Where(v => v.Key.EndsWith("_id", StringComparison.Ordinal) && v.Value.Entity is not ("person" or "household")
                && v.Key == v.Value.Entity + "_id" && _variables.ContainsKey($"person_{v.Value.Entity}_id"))
            .OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => (v.Value.Entity, Ids(v.Key), Ids($"person_{v.Value.Entity}_id")))
            .ToList();
        return EntityGraph.Build(HouseholdIds, personHousehold, subEntities);
    }

    private long[] Ids(string variable) => Column(variable) switch
    {
        IntColumn i => Array.ConvertAll(i.Values, v => (long)v),
        LongColumn l => l.Values,
        var c => throw new InvalidDataException($"'{variable}' must be integer, not {c.GetType().Name}."),
    };

    private string ComputeGeographyChecksum()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Text(string s) => hash.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        Text($"cells={Cells.Count};clones={Cells.NClones};households={HouseholdIds.Length}");
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Cells.Clone.AsSpan()));
        foreach (var h in Cells.Household)
        {
            hash.AppendData(BitConverter.GetBytes(HouseholdIds[h]));
        }

        foreach (var field in Cells.Geography.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            Text($"field={field.Name};categories={string.Join('\u001f', field.Categories ?? [])}");
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(field.Codes.AsSpan()));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public void Dispose() => _dataset.Dispose();
}
