using System.Globalization;
using System.Text.Json.Nodes;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

/// <summary>
/// A household as people, group instances and input values, independent of the wire format: the
/// calculator page turns it into PolicyEngine JSON for one calculation and into a population of
/// many copies for the vary-earnings chart, so both see exactly the same household.
/// </summary>
public sealed class HouseholdSketch(CountryModel model)
{
    private readonly List<string> _people = [];
    private readonly Dictionary<string, List<GroupInstance>> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Entity, string Instance, string Variable), object> _inputs = [];

    public sealed record GroupInstance(string Name, List<int> Members);

    public CountryModel Model => model;

    public IReadOnlyList<string> People => _people;

    public int AddPerson(string name)
    {
        _people.Add(name);
        return _people.Count - 1;
    }

    public void AddGroup(string groupKey, string name, IEnumerable<int> members)
    {
        if (!_groups.TryGetValue(groupKey, out var list))
        {
            _groups[groupKey] = list = [];
        }

        list.Add(new GroupInstance(name, members.ToList()));
    }

    public IReadOnlyList<GroupInstance> Instances(string groupKey) =>
        _groups.TryGetValue(groupKey, out var list) ? list : [];

    /// <summary>
    /// Sets an input where the variable lives: on the person for person variables, otherwise on the
    /// group instance that contains <paramref name="person"/>. Variables the release lacks are skipped
    /// (the form only offers fields that exist, see <see cref="Supports"/>).
    /// </summary>
    public void Set(string variable, int person, object value)
    {
        var definition = model.FindVariable(variable);
        if (definition is null)
        {
            return;
        }

        var entity = model.Entities.First(e => e.Key == definition.Entity);
        var instance = entity.IsPerson ? _people[person] : Instances(entity.Key).First(g => g.Members.Contains(person)).Name;
        _inputs[(entity.Key, instance, variable)] = value;
    }

    public bool Supports(string variable) => model.FindVariable(variable) is not null;

    /// <summary>PolicyEngine household JSON for <paramref name="period"/>, with <c>null</c> for every variable in <paramref name="outputs"/>.</summary>
    public JsonObject ToJson(int period, IEnumerable<string> outputs)
    {
        var key = period.ToString(CultureInfo.InvariantCulture);
        var root = new JsonObject();
        foreach (var entity in model.Entities)
        {
            var instances = new JsonObject();
            var names = entity.IsPerson ? _people.Select(p => (Name: p, Members: (List<int>?)null)) : Instances(entity.Key).Select(g => (g.Name, (List<int>?)g.Members));
            foreach (var (name, members) in names)
            {
                var node = new JsonObject();
                if (members is not null)
                {
                    node["members"] = new JsonArray(members.Select(m => (JsonNode?)JsonValue.Create(_people[m])).ToArray());
                }

                foreach (var ((e, instance, variable), value) in _inputs.Where(i => i.Key.Entity == entity.Key && i.Key.Instance == name))
                {
                    node[variable] = new JsonObject { [key] = ToNode(value) };
                }

                instances[name] = node;
            }

            root[entity.Plural] = instances;
        }

        foreach (var variable in outputs.Where(Supports))
        {
            var definition = model.FindVariable(variable)!;
            var entity = model.Entities.First(e => e.Key == definition.Entity);
            foreach (var (_, node) in root[entity.Plural]!.AsObject())
            {
                node![variable] ??= new JsonObject { [key] = null };
            }
        }

        return root;
    }

    /// <summary>
    /// <paramref name="copies"/> independent copies of the household in one population, in copy order;
    /// <paramref name="vary"/> may override a person-level float input per copy (copy, person) → value.
    /// </summary>
    public Population ToPopulation(int copies, string? variedVariable = null, Func<int, int, double?>? vary = null)
    {
        var persons = _people.Count;
        var population = new Population(model, persons * copies);
        foreach (var group in model.Groups)
        {
            var instances = Instances(group.Key);
            var index = new int[persons * copies];
            for (var g = 0; g < instances.Count; g++)
            {
                foreach (var member in instances[g].Members)
                {
                    for (var c = 0; c < copies; c++)
                    {
                        index[(c * persons) + member] = (c * instances.Count) + g;
                    }
                }
            }

            population.SetGroup(group.Key, instances.Count * copies, index);
        }

        var variables = _inputs.Keys.Select(k => k.Variable).Append(variedVariable).OfType<string>().Distinct(StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            var definition = model.FindVariable(variable);
            if (definition is null)
            {
                continue;
            }

            var entity = model.Entities.First(e => e.Key == definition.Entity);
            var names = entity.IsPerson ? _people : Instances(entity.Key).Select(g => g.Name).ToList();
            var values = new object?[names.Count * copies];
            for (var c = 0; c < copies; c++)
            {
                for (var i = 0; i < names.Count; i++)
                {
                    var varied = variable == variedVariable && entity.IsPerson ? vary?.Invoke(c, i) : null;
                    values[(c * names.Count) + i] = varied ?? (_inputs.TryGetValue((entity.Key, names[i], variable), out var v) ? v : null);
                }
            }

            SetInput(population, definition, values);
        }

        return population;
    }

    // Numbers go in as doubles: the engine reads every number with GetValue<double>(), which an
    // in-memory int node refuses (wire JSON is unaffected).
    private static JsonValue ToNode(object value) => value switch
    {
        int i => JsonValue.Create((double)i),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static void SetInput(Population population, VariableDefinition definition, object?[] values)
    {
        switch (definition.ValueType)
        {
            case VariableValueType.Enum:
                population.SetInput(definition.Name, values.Select(v => v as string ?? definition.DefaultText).ToArray());
                break;
            case VariableValueType.Bool:
                population.SetInput(definition.Name, values.Select(v => v is bool b ? b : definition.Default != 0).ToArray());
                break;
            case VariableValueType.Int:
                population.SetInput(definition.Name, values.Select(v => v is null ? (int)definition.Default : (int)Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray());
                break;
            default:
                population.SetInput(definition.Name, values.Select(v => v is null ? definition.Default : Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray());
                break;
        }
    }
}
