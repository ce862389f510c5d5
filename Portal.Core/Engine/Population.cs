using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Portal.Core.Engine;

/// <summary>
/// Persons, group memberships and input columns for one simulation (or several: a baseline and its
/// reforms share one population). Input arrays are kept by reference, not copied.
/// </summary>
public sealed class Population
{
    private readonly Dictionary<string, (int Count, int[] Map)> groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double[]> inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (double[] Values, bool[] Given)> partials = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), int[]> maps = new();
    private readonly Dictionary<string, AuxiliaryColumn> auxiliary = new(StringComparer.Ordinal);
    private volatile Tuple<int, RowBlocks?>? blocks; // by persons per block; null blocks: not in person order

    public Population(CountryModel model, int personCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(personCount);
        Model = model;
        PersonCount = personCount;
    }

    public CountryModel Model { get; }

    public int PersonCount { get; }

    public IReadOnlyCollection<string> InputVariables => inputs.Keys;

    /// <summary>Names of the data columns the model does not define (see <see cref="AuxiliaryColumn"/>).</summary>
    public IReadOnlyCollection<string> AuxiliaryColumns => auxiliary.Keys;

    /// <summary>Declares the instances of a group: <paramref name="personToGroupIndex"/>[person] is the person's instance (0-based).</summary>
    public Population SetGroup(string groupKey, int groupCount, int[] personToGroupIndex)
    {
        var entity = Model.FindEntity(groupKey);
        if (entity is null || entity.IsPerson)
        {
            throw new SimulationException($"unknown group '{groupKey}'; groups are {string.Join(", ", Model.Groups.Select(g => g.Key))}");
        }

        if (personToGroupIndex.Length != PersonCount)
        {
            throw new SimulationException($"group '{groupKey}': {personToGroupIndex.Length} memberships for {PersonCount} persons");
        }

        foreach (var g in personToGroupIndex)
        {
            if ((uint)g >= (uint)groupCount)
            {
                throw new SimulationException($"group '{groupKey}': instance index {g} is outside 0..{groupCount - 1}");
            }
        }

        groups[groupKey] = (groupCount, personToGroupIndex);
        maps.Clear();
        blocks = null;
        return this;
    }

    public Population SetInput(string variable, double[] values) => Store(variable, values, values.Length, () => values);

    public Population SetInput(string variable, int[] values) => Store(variable, values, values.Length, () => Array.ConvertAll(values, v => (double)v));

    public Population SetInput(string variable, bool[] values) => Store(variable, values, values.Length, () => Array.ConvertAll(values, v => v ? 1.0 : 0.0));

    /// <summary>Enum variables take names of possible values (case-insensitive).</summary>
    public Population SetInput(string variable, string[] values)
    {
        var definition = Definition(variable);
        if (definition.ValueType != VariableValueType.Enum)
        {
            throw new SimulationException($"variable '{variable}' is {definition.ValueType.ToString().ToLowerInvariant()}, not an enum; string values are only for enums");
        }

        return Store(variable, values, values.Length, () =>
        {
            var result = new double[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var index = definition.EnumIndex(values[i]);
                result[i] = index >= 0
                    ? index
                    : throw new SimulationException($"variable '{variable}': '{values[i]}' is not one of {string.Join(", ", definition.PossibleValues)}");
            }

            return result;
        });
    }

    private Population Store(string variable, Array raw, int length, Func<double[]> convert)
    {
        var definition = Definition(variable);
        var expected = Count(definition.Entity);
        if (length != expected)
        {
            throw new SimulationException($"input '{variable}' has {length} values but entity '{definition.Entity}' has {expected} instances");
        }

        var values = convert();
        if (definition.ValueType == VariableValueType.Enum && raw is not string[])
        {
            foreach (var v in values)
            {
                if (v < 0 || v >= definition.PossibleValues.Count || v != Math.Floor(v))
                {
                    throw new SimulationException($"input '{variable}': {v} is not an index into its {definition.PossibleValues.Count} possible values");
                }
            }
        }

        inputs[variable] = values;
        return this;
    }

    private VariableDefinition Definition(string variable) =>
        Model.FindVariable(variable)
        ?? throw new SimulationException($"unknown variable '{variable}'{Formulas.Binder.Suggest(variable, Model.Variables.Select(v => v.Name))}");

    public bool TryGetInput(string variable, out double[] values) => inputs.TryGetValue(variable, out values!);

    /// <summary>
    /// Input for some instances only (household calculator): the others keep the variable's formula
    /// (or default), so giving one person's role does not silently reset everyone else's.
    /// </summary>
    internal void SetPartialInput(string variable, double[] values, bool[] given)
    {
        if (given.All(g => g))
        {
            SetInput(variable, values);
            return;
        }

        Store(variable, values, values.Length, () => values);
        inputs.Remove(variable);
        partials[variable] = (values, given);
    }

    internal bool TryGetPartialInput(string variable, out (double[] Values, bool[] Given) partial) =>
        partials.TryGetValue(variable, out partial);

    /// <summary>Keeps a data column the model does not define (geography codes, sex) for reporting; formulas cannot read it.</summary>
    public Population SetAuxiliary(AuxiliaryColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (Model.FindVariable(column.Name) is not null)
        {
            throw new SimulationException($"'{column.Name}' is a variable of the model; set it with SetInput");
        }

        var entity = Model.FindEntity(column.Entity)
            ?? throw new SimulationException($"auxiliary column '{column.Name}': unknown entity '{column.Entity}'");
        if (column.Values.Length != Count(entity.Key))
        {
            throw new SimulationException($"auxiliary column '{column.Name}' has {column.Values.Length} values but entity '{entity.Key}' has {Count(entity.Key)} instances");
        }

        if (column.Categories is { } categories && column.Values.Any(v => v < 0 || v >= categories.Count || v != Math.Floor(v)))
        {
            throw new SimulationException($"auxiliary column '{column.Name}': a value is not an index into its {categories.Count} categories");
        }

        auxiliary[column.Name] = column;
        return this;
    }

    public bool TryGetAuxiliary(string name, [NotNullWhen(true)] out AuxiliaryColumn? column) => auxiliary.TryGetValue(name, out column);

    /// <summary>
    /// The persons whose <paramref name="entityKey"/> instance is kept, with every group instance
    /// that still has members; inputs and auxiliary columns are sliced to match. Person and group
    /// order is preserved, so roles and first-member formulas see the same order as before. Used to
    /// simulate a region without computing the rest of the country.
    /// </summary>
    public Population Subset(string entityKey, bool[] keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        if (keep.Length != Count(entityKey))
        {
            throw new SimulationException($"subset of '{entityKey}': {keep.Length} flags for {Count(entityKey)} instances");
        }

        var personMap = entityKey == Model.Person.Key ? null : groups[entityKey].Map;
        var persons = new List<int>();
        for (var p = 0; p < PersonCount; p++)
        {
            if (keep[personMap is null ? p : personMap[p]])
            {
                persons.Add(p);
            }
        }

        var result = new Population(Model, persons.Count);
        var rows = new Dictionary<string, int[]>(StringComparer.Ordinal) { [Model.Person.Key] = [.. persons] };
        foreach (var (key, (count, map)) in groups)
        {
            // Surviving instances are renumbered in their original order.
            var present = new bool[count];
            foreach (var p in persons)
            {
                present[map[p]] = true;
            }

            var newIndex = new int[count];
            var kept = new List<int>();
            for (var g = 0; g < count; g++)
            {
                newIndex[g] = present[g] ? kept.Count : -1;
                if (present[g])
                {
                    kept.Add(g);
                }
            }

            var newMap = new int[persons.Count];
            for (var i = 0; i < newMap.Length; i++)
            {
                newMap[i] = newIndex[map[persons[i]]];
            }

            result.groups[key] = (kept.Count, newMap);
            rows[key] = [.. kept];
        }

        foreach (var (variable, values) in inputs)
        {
            result.inputs[variable] = Slice(values, rows[Definition(variable).Entity]);
        }

        foreach (var (variable, (values, given)) in partials)
        {
            var keptRows = rows[Definition(variable).Entity];
            result.partials[variable] = (Slice(values, keptRows), Slice(given, keptRows));
        }

        foreach (var column in auxiliary.Values)
        {
            result.auxiliary[column.Name] = column with { Values = Slice(column.Values, rows[column.Entity]) };
        }

        return result;
    }

    /// <summary>A copy sharing every array except <paramref name="variable"/>, which takes <paramref name="values"/> (a counterfactual input).</summary>
    public Population WithInput(string variable, double[] values)
    {
        var result = new Population(Model, PersonCount);
        foreach (var (key, group) in groups)
        {
            result.groups[key] = group;
        }

        foreach (var (key, value) in inputs)
        {
            result.inputs[key] = value;
        }

        foreach (var (key, value) in partials)
        {
            result.partials[key] = value;
        }

        foreach (var (key, value) in auxiliary)
        {
            result.auxiliary[key] = value;
        }

        result.partials.Remove(variable);
        return result.SetInput(variable, values);
    }

    private static T[] Slice<T>(T[] values, int[] rows)
    {
        var result = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            result[i] = values[rows[i]];
        }

        return result;
    }

    public bool HasGroup(string groupKey) => groups.ContainsKey(groupKey);

    /// <summary>Number of instances of an entity.</summary>
    public int Count(string entityKey)
    {
        if (entityKey == Model.Person.Key)
        {
            return PersonCount;
        }

        return groups.TryGetValue(entityKey, out var group)
            ? group.Count
            : throw new SimulationException($"the population has no '{entityKey}' instances; call SetGroup(\"{entityKey}\", …) first");
    }

    /// <summary>The population in blocks of whole groups (see <see cref="RowBlocks"/>), or null when its groups are not in person order.</summary>
    internal RowBlocks? Blocks(int personsPerBlock)
    {
        if (blocks is { } known && known.Item1 == personsPerBlock)
        {
            return known.Item2;
        }

        var created = RowBlocks.Create(PersonCount, [.. groups.Select(g => (g.Key, g.Value.Count, g.Value.Map))], personsPerBlock);
        blocks = Tuple.Create(personsPerBlock, created);
        return created;
    }

    /// <summary>
    /// Row map from one entity to another: person → the person's group; group → group through the
    /// group's first member (first in person order).
    /// </summary>
    internal int[] Map(string from, string to)
    {
        if (from == Model.Person.Key)
        {
            Count(to);
            return groups[to].Map;
        }

        return maps.GetOrAdd((from, to), key =>
        {
            var (fromCount, fromMap) = (Count(key.Item1), groups[key.Item1].Map);
            var toMap = Map(Model.Person.Key, key.Item2);
            var result = new int[fromCount];
            Array.Fill(result, -1);
            for (var p = 0; p < PersonCount; p++)
            {
                ref var slot = ref result[fromMap[p]];
                if (slot < 0)
                {
                    slot = toMap[p];
                }
            }

            for (var i = 0; i < result.Length; i++)
            {
                if (result[i] < 0)
                {
                    throw new SimulationException($"{key.Item1} instance {i} has no members");
                }
            }

            return result;
        });
    }
}

/// <summary>
/// A data column the model does not define, kept for reporting (e.g. <c>congressional_district_geoid</c>,
/// <c>constituency_code</c>, <c>is_male</c>): numbers, or indices into <see cref="Categories"/> for text.
/// </summary>
public sealed record AuxiliaryColumn(string Name, string Entity, double[] Values, IReadOnlyList<string>? Categories = null)
{
    public string Text(int row) =>
        Categories is null ? Values[row].ToString(CultureInfo.InvariantCulture) : Categories[(int)Values[row]];
}
