using System.Globalization;
using Portal.Core.Engine;
using Portal.Core.Hdf5;

namespace Portal.Core.Microdata;

/// <summary>A microdata file does not fit the country package; <see cref="Problems"/> lists every reason found.</summary>
public sealed class DatasetValidationException(IReadOnlyList<string> problems)
    : Exception($"The dataset does not fit the model ({problems.Count} problem(s)): " + string.Join("; ", problems.Take(20)) + (problems.Count > 20 ? "; …" : ""))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// A loaded population plus what the file had that the package does not know: not used by formulas,
/// but kept on the population as auxiliary columns when they fit an entity (see <see cref="Population.AuxiliaryColumns"/>).
/// </summary>
public sealed record LoadedDataset(Population Population, IReadOnlyList<string> UnknownVariables, IReadOnlyList<string> LoadedVariables);

/// <summary>
/// Maps a PolicyEngine-layout file (<c>/&lt;variable&gt;/&lt;period&gt;</c>) onto the engine's input arrays,
/// after checking it against the country package: ids unique, every person linked to exactly one
/// existing instance of every group, every group non-empty, values of the declared type and in range
/// (no NaN, enum strings among the possible values, non-negative weights). All problems are collected
/// and reported together.
/// </summary>
public static class DatasetLoader
{
    private const int MaxProblems = 100;

    public static Population Load(CountryModel model, H5File file, int period) => LoadWithReport(model, file, period).Population;

    public static LoadedDataset LoadWithReport(CountryModel model, H5File file, int period)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        var key = period.ToString(CultureInfo.InvariantCulture);
        var problems = new List<string>();
        var structural = new HashSet<string>(StringComparer.Ordinal);

        // Person ids, then each group's ids and the person → group links.
        var personIds = ReadIds(file, model.Person.Key + "_id", key, problems);
        structural.Add(model.Person.Key + "_id");
        var personCount = personIds?.Length ?? 0;
        var groups = new List<(EntityDefinition Group, int Count, int[] Map)>();
        foreach (var group in model.Groups)
        {
            var idName = group.Key + "_id";
            var linkName = $"{model.Person.Key}_{group.Key}_id";
            structural.Add(idName);
            structural.Add(linkName);
            var ids = ReadIds(file, idName, key, problems);
            var links = ReadIds(file, linkName, key, problems);
            if (ids is null || links is null || personIds is null)
            {
                continue;
            }

            if (links.Length != personCount)
            {
                problems.Add($"{linkName}: {links.Length} values for {personCount} persons");
                continue;
            }

            var index = new Dictionary<long, int>(ids.Length);
            for (var i = 0; i < ids.Length; i++)
            {
                if (!index.TryAdd(ids[i], i))
                {
                    Add(problems, $"{idName}: duplicate id {ids[i]}");
                }
            }

            var map = new int[personCount];
            var members = new int[ids.Length];
            for (var p = 0; p < personCount; p++)
            {
                if (index.TryGetValue(links[p], out var g))
                {
                    map[p] = g;
                    members[g]++;
                }
                else
                {
                    Add(problems, $"{linkName}: person {personIds[p]} is linked to {group.Key} {links[p]}, which does not exist");
                }
            }

            for (var g = 0; g < members.Length; g++)
            {
                if (members[g] == 0)
                {
                    Add(problems, $"{group.Key} {ids[g]} has no members");
                }
            }

            groups.Add((group, ids.Length, map));
        }

        if (personIds is not null)
        {
            var seen = new HashSet<long>();
            foreach (var id in personIds.Where(id => !seen.Add(id)).Take(5))
            {
                Add(problems, $"{model.Person.Key}_id: duplicate id {id}");
            }
        }

        var counts = groups.ToDictionary(g => g.Group.Key, g => g.Count, StringComparer.Ordinal);
        counts[model.Person.Key] = personCount;
        var weights = model.Entities.Select(e => e.WeightVariable).Where(w => !string.IsNullOrEmpty(w)).ToHashSet(StringComparer.Ordinal);

        // Variables: everything else under the root with a dataset for the period.
        var unknown = new List<string>();
        var inputs = new List<Action<Population>>();
        var loaded = new List<string>();
        foreach (var group in file.Root.Groups.OrderBy(g => g.Name, StringComparer.Ordinal))
        {
            if (structural.Contains(group.Name) || !group.Exists(key))
            {
                continue;
            }

            var definition = model.FindVariable(group.Name);
            if (definition is null)
            {
                unknown.Add(group.Name);
                if (ReadAuxiliary(group.Name, group.GetDataset(key), counts) is { } column)
                {
                    inputs.Add(p => p.SetAuxiliary(column));
                }

                continue;
            }

            var dataset = group.GetDataset(key);
            if (!counts.TryGetValue(definition.Entity, out var expected))
            {
                continue; // the entity's structure is already reported as a problem
            }

            if (dataset.Length != expected)
            {
                Add(problems, $"{group.Name}: {dataset.Length} values but {definition.Entity} has {expected} instances");
                continue;
            }

            var input = ReadVariable(definition, dataset, weights.Contains(definition.Name), problems);
            if (input is not null)
            {
                inputs.Add(input);
                loaded.Add(definition.Name);
            }
        }

        if (problems.Count > 0)
        {
            throw new DatasetValidationException(problems);
        }

        var population = new Population(model, personCount);
        foreach (var (group, count, map) in groups)
        {
            population.SetGroup(group.Key, count, map);
        }

        foreach (var input in inputs)
        {
            input(population);
        }

        return new LoadedDataset(population, unknown, loaded);
    }

    private static Action<Population>? ReadVariable(VariableDefinition definition, H5Dataset dataset, bool isWeight, List<string> problems)
    {
        var name = definition.Name;
        var kind = dataset.DataType.Kind;
        if (definition.ValueType == VariableValueType.Enum)
        {
            if (kind == H5TypeKind.String)
            {
                var strings = dataset.ReadStrings();
                var indices = new int[strings.Length];
                var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < strings.Length; i++)
                {
                    if (!lookup.TryGetValue(strings[i], out var index))
                    {
                        lookup[strings[i]] = index = definition.EnumIndex(strings[i]);
                    }

                    if (index < 0)
                    {
                        Add(problems, $"{name}: row {i} has '{strings[i]}', not one of {string.Join(", ", definition.PossibleValues)}");
                        return null;
                    }

                    indices[i] = index;
                }

                return p => p.SetInput(name, indices);
            }

            if (kind == H5TypeKind.Integer)
            {
                var values = dataset.Read<long>();
                var indices = new int[values.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] < 0 || values[i] >= definition.PossibleValues.Count)
                    {
                        Add(problems, $"{name}: row {i} has index {values[i]}, outside 0..{definition.PossibleValues.Count - 1}");
                        return null;
                    }

                    indices[i] = (int)values[i];
                }

                return p => p.SetInput(name, indices);
            }

            Add(problems, $"{name}: an enum needs byte strings or integer indices, the file has {dataset.DataType}");
            return null;
        }

        if (kind is not (H5TypeKind.Integer or H5TypeKind.Float))
        {
            Add(problems, $"{name}: {definition.ValueType.ToString().ToLowerInvariant()} variable stored as {dataset.DataType}");
            return null;
        }

        var data = dataset.ReadAsDouble();
        for (var i = 0; i < data.Length; i++)
        {
            var v = data[i];
            var error = !double.IsFinite(v) ? "is not a finite number"
                : definition.ValueType == VariableValueType.Bool && v is not (0 or 1) ? "is not 0 or 1"
                : definition.ValueType == VariableValueType.Int && v != Math.Floor(v) ? "is not a whole number"
                : isWeight && v < 0 ? "is a negative weight"
                : null;
            if (error is not null)
            {
                Add(problems, string.Create(CultureInfo.InvariantCulture, $"{name}: row {i} value {v} {error}"));
                return null;
            }
        }

        if (definition.ValueType == VariableValueType.Bool)
        {
            var bools = Array.ConvertAll(data, v => v != 0);
            return p => p.SetInput(name, bools);
        }

        return p => p.SetInput(name, data);
    }

    /// <summary>
    /// A column the model does not define, kept on the population for reporting (geography, sex).
    /// Its entity is the dataset's <c>entity</c> attribute, else the only entity with as many rows;
    /// a column that fits no entity, or holds something other than numbers or strings, is skipped.
    /// </summary>
    private static AuxiliaryColumn? ReadAuxiliary(string name, H5Dataset dataset, Dictionary<string, int> counts)
    {
        var entity = dataset.FindAttribute("entity")?.AsString();
        if (entity is null || !counts.ContainsKey(entity))
        {
            var matching = counts.Where(c => c.Value == dataset.Length).Select(c => c.Key).ToList();
            entity = matching.Count == 1 ? matching[0] : null;
        }

        if (entity is null || counts[entity] != dataset.Length)
        {
            return null;
        }

        switch (dataset.DataType.Kind)
        {
            case H5TypeKind.Integer or H5TypeKind.Float:
                return new AuxiliaryColumn(name, entity, dataset.ReadAsDouble());
            case H5TypeKind.String:
                var strings = dataset.ReadStrings();
                var categories = new List<string>();
                var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
                var values = new double[strings.Length];
                for (var i = 0; i < strings.Length; i++)
                {
                    if (!lookup.TryGetValue(strings[i], out var index))
                    {
                        lookup[strings[i]] = index = categories.Count;
                        categories.Add(strings[i]);
                    }

                    values[i] = index;
                }

                return new AuxiliaryColumn(name, entity, values, categories);
            default:
                return null;
        }
    }

    private static long[]? ReadIds(H5File file, string name, string period, List<string> problems)
    {
        var path = $"/{name}/{period}";
        if (!file.Root.Exists(path))
        {
            Add(problems, $"{path} is missing");
            return null;
        }

        var dataset = file.Root.GetDataset(path);
        if (dataset.DataType.Kind != H5TypeKind.Integer)
        {
            Add(problems, $"{path}: ids must be integers, the file has {dataset.DataType}");
            return null;
        }

        return dataset.Read<long>();
    }

    private static void Add(List<string> problems, string problem)
    {
        if (problems.Count < MaxProblems)
        {
            problems.Add(problem);
        }
    }
}
