namespace Portal.Core.Engine;

public enum VariableValueType
{
    Float,
    Int,
    Bool,
    Enum,
}

public sealed record Reference(string Title, string Href);

public sealed record RoleDefinition(string Key, string Variable);

public sealed class EntityDefinition
{
    public required string Key { get; init; }

    public required string Plural { get; init; }

    public string Label { get; init; } = "";

    public string? WeightVariable { get; init; }

    public bool IsPerson { get; init; }

    public IReadOnlyList<RoleDefinition> Roles { get; init; } = [];

    public RoleDefinition? FindRole(string key) => Roles.FirstOrDefault(r => string.Equals(r.Key, key, StringComparison.Ordinal));

    public override string ToString() => Key;
}

public sealed class VariableDefinition
{
    public required string Name { get; init; }

    public required string Entity { get; init; }

    public VariableValueType ValueType { get; init; }

    /// <summary>Enum variables only: the possible values; the engine stores the 0-based index.</summary>
    public IReadOnlyList<string> PossibleValues { get; init; } = [];

    public string DefinitionPeriod { get; init; } = "year";

    public string Label { get; init; } = "";

    public string? Unit { get; init; }

    /// <summary>The default as stored by the engine (enum: index of the default value; bool: 0/1).</summary>
    public double Default { get; init; }

    public IReadOnlyList<Reference> Reference { get; init; } = [];

    public string? FormulaSource { get; init; }

    public bool IsInput => FormulaSource is null;

    public required string SourceFile { get; init; }

    public int SourceLine { get; init; }

    /// <summary>Enum index of <paramref name="value"/> (ordinal match, then case-insensitive), or -1.</summary>
    public int EnumIndex(string value)
    {
        for (var i = 0; i < PossibleValues.Count; i++)
        {
            if (string.Equals(PossibleValues[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        for (var i = 0; i < PossibleValues.Count; i++)
        {
            if (string.Equals(PossibleValues[i], value, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public string DefaultText => ValueType switch
    {
        VariableValueType.Enum => PossibleValues.Count > 0 ? PossibleValues[(int)Default] : "",
        VariableValueType.Bool => Default != 0 ? "true" : "false",
        _ => Default.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public override string ToString() => Name;
}

/// <summary>One dated value: applies from <see cref="Start"/> until the next entry's start.</summary>
public sealed record DatedValue(DateOnly Start, double Value);

public abstract class ParameterNode
{
    /// <summary>Full dotted path (<c>gov.irs.deductions.standard.SINGLE</c>); empty for the root.</summary>
    public required string Path { get; init; }

    public required string Name { get; init; }

    public string? Label { get; init; }

    public string? Description { get; init; }

    public string? Unit { get; init; }

    /// <summary>Own references, or the nearest ancestor's when the node has none.</summary>
    public IReadOnlyList<Reference> References { get; init; } = [];

    public string SourceFile { get; init; } = "";

    public int SourceLine { get; init; }
}

public sealed class ParameterGroup : ParameterNode
{
    public IReadOnlyList<ParameterNode> Children { get; init; } = [];

    /// <summary>Child by name: exact match first, then case-insensitive.</summary>
    public ParameterNode? Child(string name) =>
        Children.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? Children.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
}

public sealed class ParameterLeaf : ParameterNode
{
    /// <summary>Sorted by date.</summary>
    public IReadOnlyList<DatedValue> Values { get; init; } = [];

    /// <summary>True when the YAML values are booleans.</summary>
    public bool IsBool { get; init; }
}

public enum ScaleType
{
    MarginalRate,
    SingleAmount,
}

public sealed record ScaleBracket(IReadOnlyList<DatedValue> Threshold, IReadOnlyList<DatedValue>? Rate, IReadOnlyList<DatedValue>? Amount);

public sealed class ParameterScale : ParameterNode
{
    public ScaleType ScaleType { get; init; }

    public IReadOnlyList<ScaleBracket> Brackets { get; init; } = [];
}

/// <summary>One expected output of a test case: <paramref name="Instance"/> null = first instance of the variable's entity.</summary>
public sealed record ModelTestOutput(string Variable, string? Instance, System.Text.Json.Nodes.JsonNode? Expected);

public sealed class ModelTestCase
{
    public required string Name { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    public int? Period { get; init; }

    public double? AbsoluteErrorMargin { get; init; }

    public double? RelativeErrorMargin { get; init; }

    public System.Text.Json.Nodes.JsonNode? Reform { get; init; }

    public required System.Text.Json.Nodes.JsonObject Input { get; init; }

    public IReadOnlyList<ModelTestOutput> Outputs { get; init; } = [];

    public required string SourceFile { get; init; }

    public int SourceLine { get; init; }
}
