using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

public sealed record EntityMetadata(string Key, string Plural, string Label, bool IsPerson, string? WeightVariable, IReadOnlyList<RoleDefinition> Roles);

public sealed record VariableMetadata(
    string Name, string Entity, string ValueType, string DefinitionPeriod, string Label, string? Unit,
    JsonNode? DefaultValue, bool IsInputVariable, IReadOnlyList<string>? PossibleValues, string? Formula,
    IReadOnlyList<string> Dependencies, IReadOnlyList<string> Parameters, IReadOnlyList<Reference> References);

public sealed record BracketMetadata(IReadOnlyDictionary<string, double> Threshold, IReadOnlyDictionary<string, double>? Rate, IReadOnlyDictionary<string, double>? Amount);

/// <summary>A leaf (<c>type: parameter</c>, dated <c>values</c>) or a scale (<c>type: scale</c>, <c>brackets</c>).</summary>
public sealed record ParameterMetadata(
    string Parameter, string Type, string? Label, string? Description, string? Unit,
    IReadOnlyDictionary<string, JsonNode?>? Values, string? ScaleType, IReadOnlyList<BracketMetadata>? Brackets,
    IReadOnlyList<Reference> References);

/// <summary>
/// A release described as data, keyed like PolicyEngine's metadata (variables by name, parameters by
/// path) so existing clients can find what they look for.
/// </summary>
public sealed record ModelMetadata(
    string CountryId, string Version, string Sha256, string Name, string Description, string Currency, int DefaultPeriod,
    IReadOnlyDictionary<string, EntityMetadata> Entities,
    IReadOnlyDictionary<string, VariableMetadata> Variables,
    IReadOnlyDictionary<string, ParameterMetadata> Parameters);

/// <summary>Metadata of one release: <c>GET /{country}/metadata</c> and <c>GET /api/v2/models/{country}/{version}</c>.</summary>
public sealed class GetModelMetadataHandler(ModelCatalog catalog)
{
    // A loaded release never changes, so its description is built once per release, not per request.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CountryModel, ModelMetadata> Described = [];

    public Result<ModelMetadata> Handle(string country, string? version)
    {
        var found = ModelLookup.Find(catalog, country, version);
        return found.Succeeded ? Described.GetValue(found.Value!, Describe) : found.Problem!;
    }

    public static ModelMetadata Describe(CountryModel model) => new(
        model.Country, model.Version, model.Sha256, model.Name, model.Description, model.Currency, model.DefaultPeriod,
        model.Entities.ToDictionary(e => e.Key, e => new EntityMetadata(e.Key, e.Plural, e.Label, e.IsPerson, e.WeightVariable, e.Roles), StringComparer.Ordinal),
        model.Variables.OrderBy(v => v.Name, StringComparer.Ordinal).ToDictionary(v => v.Name, v => Describe(model, v), StringComparer.Ordinal),
        ParameterTree.Leaves(model.Parameters).ToDictionary(p => p.Path, Describe, StringComparer.Ordinal));

    private static VariableMetadata Describe(CountryModel model, VariableDefinition v) => new(
        v.Name, v.Entity, v.ValueType.ToString().ToLowerInvariant(), v.DefinitionPeriod, v.Label, v.Unit,
        v.ValueType switch
        {
            VariableValueType.Enum or VariableValueType.Bool => JsonValue.Create(v.DefaultText),
            _ => JsonValue.Create(v.Default),
        },
        v.IsInput, v.ValueType == VariableValueType.Enum ? v.PossibleValues : null, v.FormulaSource,
        model.DependenciesOf(v.Name).ToList(), model.ParametersOf(v.Name).ToList(), v.Reference);

    private static ParameterMetadata Describe(ParameterNode node) => node switch
    {
        ParameterLeaf leaf => new ParameterMetadata(
            leaf.Path, "parameter", leaf.Label, leaf.Description, leaf.Unit,
            leaf.Values.ToDictionary(d => Date(d.Start), d => leaf.IsBool ? (JsonNode?)JsonValue.Create(d.Value != 0) : JsonValue.Create(d.Value), StringComparer.Ordinal),
            null, null, leaf.References),
        ParameterScale scale => new ParameterMetadata(
            scale.Path, "scale", scale.Label, scale.Description, scale.Unit, null,
            scale.ScaleType == ScaleType.MarginalRate ? "marginal_rate" : "single_amount",
            scale.Brackets.Select(b => new BracketMetadata(Dated(b.Threshold), b.Rate is null ? null : Dated(b.Rate), b.Amount is null ? null : Dated(b.Amount))).ToList(),
            scale.References),
        _ => new ParameterMetadata(node.Path, "node", node.Label, node.Description, node.Unit, null, null, null, node.References),
    };

    private static Dictionary<string, double> Dated(IReadOnlyList<DatedValue> values) =>
        values.ToDictionary(d => Date(d.Start), d => d.Value, StringComparer.Ordinal);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
