using Portal.Core.Common;

namespace Portal.Core.Features.Templates;

/// <summary>
/// The shipped templates (<c>Portal.Core/Templates/*.yaml</c>, embedded in the assembly), parsed and
/// validated once. They are read-only; a shipped template that fails validation stops startup
/// (a test loads them all, so that never reaches a release).
/// </summary>
public sealed class TemplateCatalog
{
    private const string ResourcePrefix = "templates/";

    public TemplateCatalog(IEnumerable<SpecTemplate> templates) =>
        Shipped = [.. templates.OrderBy(t => t.Id, StringComparer.Ordinal)];

    public IReadOnlyList<SpecTemplate> Shipped { get; }

    public SpecTemplate? Find(string id) => Shipped.FirstOrDefault(t => t.Id == id);

    public static TemplateCatalog LoadShipped()
    {
        var assembly = typeof(TemplateCatalog).Assembly;
        var templates = new List<SpecTemplate>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var parsed = TemplateParser.Parse(reader.ReadToEnd(), shipped: true);
            if (!parsed.Succeeded)
            {
                throw new InvalidOperationException($"Shipped template {name} is invalid: {parsed.Problem!.Describe()}");
            }

            if (templates.Any(t => t.Id == parsed.Value!.Id))
            {
                throw new InvalidOperationException($"Shipped template id '{parsed.Value!.Id}' is used twice.");
            }

            templates.Add(parsed.Value!);
        }

        return new TemplateCatalog(templates);
    }

    /// <summary>A template by id: 404 when there is none.</summary>
    public Result<SpecTemplate> Get(string id) =>
        Find(id) is { } template ? template : Problem.NotFound($"Template '{id}'");
}
