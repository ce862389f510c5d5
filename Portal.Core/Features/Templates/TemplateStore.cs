using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Templates;

/// <summary>
/// Every template the portal offers: the shipped catalog plus the uploaded ones (table <c>templates</c>).
/// Shipped ids win and cannot be uploaded, so an id always names one template. Uploaded rows are
/// re-parsed on read; one that no longer parses is left out rather than failing the whole list.
/// </summary>
public sealed class TemplateStore(TemplateCatalog catalog, PortalDbContext db)
{
    public async Task<IReadOnlyList<SpecTemplate>> AllAsync(CancellationToken ct = default)
    {
        var uploaded = await db.Set<UploadedTemplate>().AsNoTracking().ToListAsync(ct);
        return [.. catalog.Shipped
            .Concat(uploaded.Select(Parse).OfType<SpecTemplate>())
            .OrderBy(t => t.Id, StringComparer.Ordinal)];
    }

    /// <summary>A template by id: 404 when there is none.</summary>
    public async Task<Result<SpecTemplate>> GetAsync(string id, CancellationToken ct = default)
    {
        if (catalog.Find(id) is { } shipped)
        {
            return shipped;
        }

        var row = await db.Set<UploadedTemplate>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        return row is not null && Parse(row) is { } template ? template : Problem.NotFound($"Template '{id}'");
    }

    private static SpecTemplate? Parse(UploadedTemplate row)
    {
        var parsed = TemplateParser.Parse(row.Yaml, shipped: false);
        return parsed.Succeeded && parsed.Value!.Id == row.Id ? parsed.Value : null;
    }
}
