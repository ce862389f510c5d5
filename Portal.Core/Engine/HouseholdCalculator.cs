using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Engine.Formulas;

namespace Portal.Core.Engine;

/// <summary>The household JSON with computed values filled in, and the period used.</summary>
public sealed record HouseholdResult(JsonObject Household, int Period);

/// <summary>
/// PolicyEngine-style household calculation: <c>{"people": {...}, "tax_units": {"tu": {"members": [...]}}}</c>,
/// variables as <c>{variable: value}</c> or <c>{variable: {"2025": value}}</c>; <c>null</c> asks for a value.
/// Groups left out get one instance containing everyone. Roles not given come from the package's formulas.
/// </summary>
public static class HouseholdCalculator
{
    /// <summary>Fills every <c>null</c> in <paramref name="household"/>. The input object is not modified.</summary>
    public static HouseholdResult Calculate(CountryModel model, JsonObject household, int? period = null, Reform? reform = null) =>
        Run(model, household, period, reform, all: false);

    /// <summary>Like <see cref="Calculate"/>, and also adds every variable of every entity instance (and the implicit groups).</summary>
    public static HouseholdResult CalculateAll(CountryModel model, JsonObject household, int? period = null, Reform? reform = null) =>
        Run(model, household, period, reform, all: true);

    private static HouseholdResult Run(CountryModel model, JsonObject household, int? period, Reform? reform, bool all)
    {
        var built = Build(model, household, period, reform);
        var output = (JsonObject)household.DeepClone();
        var key = built.Simulation.Period.ToString(CultureInfo.InvariantCulture);
        foreach (var entity in model.Entities)
        {
            var instances = built.Instances[entity.Key];
            if (output[entity.Plural] is not JsonObject container)
            {
                if (!all)
                {
                    continue;
                }

                output[entity.Plural] = container = new JsonObject
                {
                    [instances[0]] = new JsonObject { ["members"] = new JsonArray([.. built.Instances[model.Person.Key].Select(p => (JsonNode)p)]) },
                };
            }

            for (var i = 0; i < instances.Count; i++)
            {
                var instance = (JsonObject)container[instances[i]]!;
                var names = all
                    ? model.Variables.Where(v => v.Entity == entity.Key).Select(v => v.Name).ToList()
                    : instance.Where(p => p.Key != "members").Select(p => p.Key).ToList();
                foreach (var name in names)
                {
                    var current = instance[name];
                    var wanted = current is null || (current is JsonObject byPeriod && byPeriod.ContainsKey(key) && byPeriod[key] is null);
                    if (!wanted && current is not null)
                    {
                        continue;
                    }

                    if (!instance.ContainsKey(name) || current is null || current is JsonObject)
                    {
                        var definition = model.FindVariable(name)!;
                        var value = Json(definition, built.Simulation.Calculate(name)[i]);
                        if (current is JsonObject existing)
                        {
                            existing[key] = value;
                        }
                        else
                        {
                            instance[name] = new JsonObject { [key] = value };
                        }
                    }
                }
            }
        }

        return new HouseholdResult(output, built.Simulation.Period);
    }

    internal static JsonNode? Json(VariableDefinition definition, double value) => definition.ValueType switch
    {
        VariableValueType.Enum => JsonValue.Create(definition.PossibleValues[(int)value]),
        VariableValueType.Bool => JsonValue.Create(value != 0),
        _ => JsonValue.Create(value),
    };

    /// <summary>A built household simulation and the instance names of every entity, in row order.</summary>
    internal sealed record BuiltHousehold(Simulation Simulation, IReadOnlyDictionary<string, IReadOnlyList<string>> Instances);

    internal static string PathOf(string parent, string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(key[0])
            ? $"{parent}.{key}"
            : $"{parent}['{key.Replace("'", "\\'", StringComparison.Ordinal)}']";

    internal static BuiltHousehold Build(CountryModel model, JsonObject household, int? period, Reform? reform)
    {
        foreach (var (key, _) in household)
        {
            if (model.FindEntityByPlural(key) is null)
            {
                throw new HouseholdInputException(PathOf("$", key), $"unknown entity '{key}'; expected {string.Join(", ", model.Entities.Select(e => e.Plural))}{Binder.Suggest(key, model.Entities.Select(e => e.Plural))}");
            }
        }

        var person = model.Person;
        var peoplePath = PathOf("$", person.Plural);
        if (household[person.Plural] is not JsonObject people || people.Count == 0)
        {
            throw new HouseholdInputException(peoplePath, "required: an object with at least one person");
        }

        var personNames = people.Select(p => p.Key).ToList();
        var resolvedPeriod = period ?? InferPeriod(household) ?? model.DefaultPeriod;
        if (resolvedPeriod is < 1900 or > 2200)
        {
            throw new HouseholdInputException("$", $"period {resolvedPeriod} is not a plausible year");
        }

        var population = new Population(model, personNames.Count);
        var instances = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { [person.Key] = personNames };
        var entityObjects = new Dictionary<string, List<(string Path, JsonObject? Value)>>(StringComparer.Ordinal)
        {
            [person.Key] = [.. people.Select(p => (PathOf(peoplePath, p.Key), p.Value as JsonObject ?? ThrowIfNotObject(PathOf(peoplePath, p.Key), p.Value)))],
        };

        foreach (var group in model.Groups)
        {
            var groupPath = PathOf("$", group.Plural);
            var map = new int[personNames.Count];
            Array.Fill(map, -1);
            if (household[group.Plural] is null)
            {
                // Left out: one instance with every person (PolicyEngine's behaviour).
                population.SetGroup(group.Key, 1, new int[personNames.Count]);
                instances[group.Key] = [group.Key];
                entityObjects[group.Key] = [(groupPath, null)];
                continue;
            }

            if (household[group.Plural] is not JsonObject container || container.Count == 0)
            {
                throw new HouseholdInputException(groupPath, "expected an object of named instances, each with \"members\"");
            }

            var names = new List<string>();
            var objects = new List<(string, JsonObject?)>();
            foreach (var (name, value) in container)
            {
                var instancePath = PathOf(groupPath, name);
                if (value is not JsonObject instance)
                {
                    throw new HouseholdInputException(instancePath, "expected an object with \"members\"");
                }

                if (instance["members"] is not JsonArray members)
                {
                    throw new HouseholdInputException(PathOf(instancePath, "members"), "required: a list of person names");
                }

                for (var m = 0; m < members.Count; m++)
                {
                    var memberPath = $"{PathOf(instancePath, "members")}[{m}]";
                    var memberName = members[m] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                    var index = memberName is null ? -1 : personNames.IndexOf(memberName);
                    if (index < 0)
                    {
                        throw new HouseholdInputException(memberPath, $"unknown person {members[m]?.ToJsonString() ?? "null"}{Binder.Suggest(memberName ?? "", personNames)}");
                    }

                    if (map[index] >= 0)
                    {
                        throw new HouseholdInputException(memberPath, $"person '{memberName}' is already a member of {group.Plural} '{names.ElementAtOrDefault(map[index]) ?? name}'");
                    }

                    map[index] = names.Count;
                }

                names.Add(name);
                objects.Add((instancePath, instance));
            }

            var missing = Array.IndexOf(map, -1);
            if (missing >= 0)
            {
                throw new HouseholdInputException(groupPath, $"person '{personNames[missing]}' is not a member of any {group.Plural} instance");
            }

            population.SetGroup(group.Key, names.Count, map);
            instances[group.Key] = names;
            entityObjects[group.Key] = objects;
        }

        foreach (var entity in model.Entities)
        {
            SetInputs(model, population, entity, entityObjects[entity.Key], resolvedPeriod);
        }

        Simulation simulation;
        try
        {
            simulation = new Simulation(model, population, resolvedPeriod, reform);
        }
        catch (SimulationException e)
        {
            throw new HouseholdInputException("$", e.Message);
        }

        return new BuiltHousehold(simulation, instances);
    }

    private static JsonObject? ThrowIfNotObject(string path, JsonNode? value) =>
        value is null ? null : throw new HouseholdInputException(path, "expected an object of variable values");

    private static int? InferPeriod(JsonObject household)
    {
        foreach (var (_, container) in household)
        {
            foreach (var (_, instance) in container as JsonObject ?? [])
            {
                foreach (var (_, value) in instance as JsonObject ?? [])
                {
                    if (value is JsonObject byPeriod)
                    {
                        foreach (var (key, _) in byPeriod)
                        {
                            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
                            {
                                return year;
                            }
                        }
                    }
                }
            }
        }

        return null;
    }

    private static void SetInputs(CountryModel model, Population population, EntityDefinition entity, List<(string Path, JsonObject? Value)> objects, int period)
    {
        var periodKey = period.ToString(CultureInfo.InvariantCulture);
        var values = new Dictionary<string, (double[] Values, bool[] Given)>(StringComparer.Ordinal);
        for (var i = 0; i < objects.Count; i++)
        {
            var (path, instance) = objects[i];
            if (instance is null)
            {
                continue;
            }

            foreach (var (name, raw) in instance)
            {
                if (name == "members" && !entity.IsPerson)
                {
                    continue;
                }

                var at = PathOf(path, name);
                var definition = model.FindVariable(name)
                    ?? throw new HouseholdInputException(at, $"unknown variable '{name}'{Binder.Suggest(name, model.Variables.Select(v => v.Name))}");
                if (definition.Entity != entity.Key)
                {
                    throw new HouseholdInputException(at, $"variable '{name}' belongs to {model.FindEntity(definition.Entity)!.Plural}, not {entity.Plural}");
                }

                var value = raw;
                var valuePath = at;
                if (raw is JsonObject byPeriod)
                {
                    value = null;
                    foreach (var (key, v) in byPeriod)
                    {
                        var periodPath = PathOf(at, key);
                        if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
                        {
                            throw new HouseholdInputException(periodPath, $"'{key}' is not a period; periods are years like \"{periodKey}\"");
                        }

                        if (year != period)
                        {
                            throw new HouseholdInputException(periodPath, $"period {year} differs from the simulation period {period}");
                        }

                        value = v;
                        valuePath = periodPath;
                    }
                }

                if (value is null)
                {
                    continue; // asks for the value
                }

                if (!values.TryGetValue(name, out var column))
                {
                    values[name] = column = (new double[objects.Count], new bool[objects.Count]);
                    if (definition.Default != 0)
                    {
                        Array.Fill(column.Values, definition.Default);
                    }
                }

                column.Values[i] = Parse(definition, value, valuePath);
                column.Given[i] = true;
            }
        }

        foreach (var (name, column) in values)
        {
            population.SetPartialInput(name, column.Values, column.Given);
        }
    }

    private static double Parse(VariableDefinition definition, JsonNode value, string path)
    {
        var kind = value.GetValueKind();
        switch (definition.ValueType)
        {
            case VariableValueType.Enum:
                if (kind == JsonValueKind.String)
                {
                    var text = value.GetValue<string>();
                    var index = definition.EnumIndex(text);
                    if (index >= 0)
                    {
                        return index;
                    }

                    throw new HouseholdInputException(path, $"'{text}' is not a possible value of '{definition.Name}' ({string.Join(", ", definition.PossibleValues)}){Binder.Suggest(text, definition.PossibleValues)}");
                }

                throw new HouseholdInputException(path, $"'{definition.Name}' is an enum; expected one of {string.Join(", ", definition.PossibleValues)}");
            case VariableValueType.Bool:
                return kind switch
                {
                    JsonValueKind.True => 1,
                    JsonValueKind.False => 0,
                    JsonValueKind.Number when JsonNumbers.ToDouble(value) is 0 or 1 => JsonNumbers.ToDouble(value),
                    _ => throw new HouseholdInputException(path, $"'{definition.Name}' is a bool; expected true or false"),
                };
            default:
                if (kind == JsonValueKind.Number)
                {
                    var number = JsonNumbers.ToDouble(value);
                    if (!double.IsFinite(number))
                    {
                        throw new HouseholdInputException(path, "expected a finite number");
                    }

                    return number;
                }

                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return kind == JsonValueKind.True ? 1 : 0;
                }

                throw new HouseholdInputException(path, $"'{definition.Name}' is a {definition.ValueType.ToString().ToLowerInvariant()}; expected a number");
        }
    }
}

/// <summary>Numbers from JSON nodes, whether parsed from text or created in code from int, long, decimal….</summary>
internal static class JsonNumbers
{
    public static double ToDouble(JsonNode node)
    {
        var value = node.AsValue();
        if (value.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }

        if (value.TryGetValue<float>(out var f))
        {
            return f;
        }

        return double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
