using Portal.Core.Engine.Formulas;

namespace Portal.Core.Engine;

/// <summary>One loaded, validated and compiled release of a country package. Immutable and thread-safe.</summary>
public sealed class CountryModel
{
    private readonly Dictionary<string, VariableDefinition> variables;
    private readonly Dictionary<string, List<string>> dependents;

    internal CountryModel(
        PackageInfo info,
        IReadOnlyList<EntityDefinition> entities,
        IReadOnlyList<VariableDefinition> variableList,
        ParameterGroup parameters,
        IReadOnlyDictionary<string, Kernel> kernels,
        ParameterSlots slots,
        IReadOnlyList<ModelTestCase> tests)
    {
        Info = info;
        Entities = entities;
        Variables = variableList;
        Parameters = parameters;
        Kernels = kernels;
        Slots = slots;
        Tests = tests;
        variables = variableList.ToDictionary(v => v.Name, StringComparer.Ordinal);
        dependents = variableList.ToDictionary(v => v.Name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (name, kernel) in kernels)
        {
            foreach (var dependency in kernel.Dependencies)
            {
                dependents[dependency].Add(name);
            }
        }

        LocalCapacity = kernels.Values.Select(k => k.Locals.Length).DefaultIfEmpty(0).Max();
        Kernel.ShareReductions(kernels.Values);
    }

    internal PackageInfo Info { get; }

    internal IReadOnlyDictionary<string, Kernel> Kernels { get; }

    internal ParameterSlots Slots { get; }

    internal int LocalCapacity { get; }

    public string Country => Info.Country;

    public string Version => Info.Version;

    /// <summary>Release hash (see <see cref="ReleaseHash"/>).</summary>
    public string Sha256 { get; internal set; } = "";

    public string Name => Info.Name;

    public string Description => Info.Description;

    public string Currency => Info.Currency;

    public int DefaultPeriod => Info.DefaultPeriod;

    /// <summary>Month and day at which a year's parameters are read (UK: 04-06).</summary>
    public (int Month, int Day) YearStart => (Info.YearStartMonth, Info.YearStartDay);

    /// <summary>The release folder the model was loaded from.</summary>
    public string Directory => Info.Directory;

    public IReadOnlyList<EntityDefinition> Entities { get; }

    public EntityDefinition Person => Entities[0];

    public IEnumerable<EntityDefinition> Groups => Entities.Skip(1);

    public IReadOnlyList<VariableDefinition> Variables { get; }

    public ParameterGroup Parameters { get; }

    public IReadOnlyList<ModelTestCase> Tests { get; }

    public DateOnly InstantOf(int period) => new(period, Info.YearStartMonth, Info.YearStartDay);

    public EntityDefinition? FindEntity(string key) => Entities.FirstOrDefault(e => string.Equals(e.Key, key, StringComparison.Ordinal));

    public EntityDefinition? FindEntityByPlural(string plural) => Entities.FirstOrDefault(e => string.Equals(e.Plural, plural, StringComparison.Ordinal));

    public VariableDefinition? FindVariable(string name) => variables.GetValueOrDefault(name);

    /// <summary>Parameter node by dotted path, case-insensitive per segment; the empty path is the root.</summary>
    public ParameterNode? FindParameter(string path)
    {
        ParameterNode node = Parameters;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not ParameterGroup group || group.Child(segment) is not { } child)
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    /// <summary>All leaves and scales, depth first.</summary>
    public IEnumerable<ParameterNode> ParameterValues() => Flatten(Parameters);

    private static IEnumerable<ParameterNode> Flatten(ParameterNode node) =>
        node is ParameterGroup g ? g.Children.SelectMany(Flatten) : [node];

    /// <summary>Variables the formula of <paramref name="variable"/> reads directly (empty for inputs).</summary>
    public IReadOnlyList<string> DependenciesOf(string variable) =>
        Kernels.TryGetValue(variable, out var kernel) ? kernel.Dependencies : [];

    /// <summary>Variables whose formulas read <paramref name="variable"/> directly.</summary>
    public IReadOnlyList<string> DependentsOf(string variable) =>
        dependents.TryGetValue(variable, out var list) ? list : [];

    /// <summary>Paths of the parameter leaves and scales the formula of <paramref name="variable"/> reads directly.</summary>
    public IReadOnlyList<string> ParametersOf(string variable) =>
        Kernels.TryGetValue(variable, out var kernel)
            ? [.. kernel.ParameterSlots.SelectMany(s => Slots.Slots[s]).Select(n => n.Path).Distinct(StringComparer.Ordinal)]
            : [];

    public override string ToString() => $"{Country} {Version}";
}

internal sealed record PackageInfo(
    string Country,
    string Version,
    string Name,
    string Description,
    string Currency,
    int DefaultPeriod,
    int YearStartMonth,
    int YearStartDay,
    string Directory);
