using System.Text.Json.Nodes;

namespace Portal.Core.Features.Templates;

public sealed record TemplateParameterView(string Name, string Type, string Title, string Description, JsonNode? Default, double? Min, double? Max, IReadOnlyList<string>? Values);

public sealed record TemplateSummary(string Id, string Version, string Title, string Description, IReadOnlyList<string> Tags, bool Shipped, int ParameterCount);

public sealed record TemplateDetail(
    string Id,
    string Version,
    string Title,
    string Description,
    IReadOnlyList<string> Tags,
    bool Shipped,
    string Sha256,
    IReadOnlyList<TemplateParameterView> Parameters,
    string Yaml);

/// <summary>Read models of templates for the API and the pages (one code path for both).</summary>
public static class TemplateViews
{
    /// <summary>All templates, optionally only those carrying <paramref name="tag"/> (case-insensitive), ordered by id.</summary>
    public static IReadOnlyList<TemplateSummary> List(IEnumerable<SpecTemplate> all, string? tag)
    {
        ArgumentNullException.ThrowIfNull(all);
        var wanted = tag?.Trim().ToLowerInvariant();
        return [.. all
            .Where(t => string.IsNullOrEmpty(wanted) || t.Tags.Contains(wanted, StringComparer.Ordinal))
            .Select(t => new TemplateSummary(t.Id, t.Version, t.Title, t.Description, t.Tags, t.Shipped, t.Parameters.Count))];
    }

    public static IReadOnlyList<string> Tags(IEnumerable<SpecTemplate> all) =>
        [.. (all ?? throw new ArgumentNullException(nameof(all))).SelectMany(t => t.Tags).Distinct().Order(StringComparer.Ordinal)];

    public static TemplateDetail Detail(SpecTemplate t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Id, t.Version, t.Title, t.Description, t.Tags, t.Shipped, t.Sha256,
            [.. t.Parameters.Select(p => new TemplateParameterView(p.Name, p.Type, p.Title, p.Description, p.Default?.DeepClone(), p.Min, p.Max, p.Type == "enum" ? p.Values : null))],
            t.Yaml);
    }
}
