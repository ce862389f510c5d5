using System.Collections.Concurrent;

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

    public Population(CountryModel model, int personCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(personCount);
        Model = model;
        PersonCount = personCount;
    }

    public CountryModel Model { get; }

    public int PersonCount { get; }

    public IReadOnlyCollection<string> InputVariables => inputs.Keys;

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
