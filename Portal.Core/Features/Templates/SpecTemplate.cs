using System.Text.Json.Nodes;
using Portal.Core.Features.Specs;

namespace Portal.Core.Features.Templates;

/// <summary>
/// One declared template parameter. <see cref="Type"/> is number, integer, boolean, string or enum;
/// <see cref="Min"/>/<see cref="Max"/> apply to number and integer, <see cref="Values"/> to enum.
/// </summary>
public sealed record TemplateParameter(
    string Name,
    string Type,
    string Title,
    string Description,
    JsonNode? Default,
    double? Min,
    double? Max,
    IReadOnlyList<string> Values);

/// <summary>
/// A validated template: metadata, parameters and the <c>spec</c> body with <c>${name}</c>
/// placeholders (kept as positioned YAML nodes, so errors point into the template).
/// <see cref="Sha256"/> is sha256 over the UTF-8 bytes of <see cref="Yaml"/>, the text exactly as shipped or uploaded.
/// </summary>
public sealed record SpecTemplate(
    string Id,
    string Version,
    string Title,
    string Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<TemplateParameter> Parameters,
    YamlNodeAt SpecBody,
    string Yaml,
    string Sha256,
    bool Shipped)
{
    public const int SchemaVersion = 1;

    public static IReadOnlyList<string> ParameterTypes { get; } = ["number", "integer", "boolean", "string", "enum"];

    public TemplateParameter? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}
