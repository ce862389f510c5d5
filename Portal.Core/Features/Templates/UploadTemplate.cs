using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Identity;

namespace Portal.Core.Features.Templates;

/// <param name="Yaml">The template text exactly as uploaded (its sha256 becomes the provenance's template_sha256).</param>
public sealed record UploadTemplateRequest(string Yaml);

/// <summary>
/// Maintainers add templates. The text must pass the same validation as a shipped template
/// (400 naming the line, nothing stored). A shipped id is 409; an uploaded id is replaced only by a
/// strictly higher <c>metadata.version</c> (else 409), so a generated spec's template_version always
/// names one text.
/// </summary>
public sealed class UploadTemplateHandler(TemplateCatalog catalog, PortalDbContext db, TimeProvider clock)
{
    public const int MaxYamlLength = 256 * 1024;

    public async Task<Result<TemplateDetail>> HandleAsync(UploadTemplateRequest request, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        if (!PortalPolicies.Allows(PortalPolicies.CanPublish, actor.Roles))
        {
            return Problem.Forbidden("Uploading templates needs the Maintainer or Admin role.");
        }

        if (string.IsNullOrWhiteSpace(request.Yaml))
        {
            return Problem.Invalid("yaml", "The template is empty.");
        }

        if (request.Yaml.Length > MaxYamlLength)
        {
            return Problem.Invalid("yaml", $"The template is larger than {MaxYamlLength / 1024} KiB.");
        }

        var parsed = TemplateParser.Parse(request.Yaml, shipped: false);
        if (!parsed.Succeeded)
        {
            return parsed.Problem!;
        }

        var template = parsed.Value!;
        if (catalog.Find(template.Id) is not null)
        {
            return Problem.Conflict($"'{template.Id}' is a shipped template; upload under another metadata.id.");
        }

        var row = await db.Set<UploadedTemplate>().FirstOrDefaultAsync(t => t.Id == template.Id, ct);
        if (row is null)
        {
            row = new UploadedTemplate { Id = template.Id, Version = "", Title = "", Yaml = "", Sha256 = "", UploadedBy = "" };
            db.Add(row);
        }
        else if (CompareVersions(template.Version, row.Version) <= 0)
        {
            return Problem.Conflict($"Template '{template.Id}' version {row.Version} is already uploaded; a replacement needs a higher metadata.version (got {template.Version}).");
        }

        row.Version = template.Version;
        row.Title = template.Title;
        row.Yaml = template.Yaml;
        row.Sha256 = template.Sha256;
        row.UploadedBy = actor.Name;
        row.UploadedAt = clock.GetUtcNow().UtcDateTime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent upload of the same id won the insert.
            return Problem.Conflict($"Template '{template.Id}' was uploaded concurrently; retry with a higher metadata.version.");
        }

        return TemplateViews.Detail(template);
    }

    /// <summary>Dotted versions compare part by part, numerically where both parts are numbers ("1.10" &gt; "1.9"), else ordinally.</summary>
    public static int CompareVersions(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var left = a.Split('.');
        var right = b.Split('.');
        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var x = i < left.Length ? left[i] : "0";
            var y = i < right.Length ? right[i] : "0";
            var c = long.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var nx) && long.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var ny)
                ? nx.CompareTo(ny)
                : string.CompareOrdinal(x, y);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }
}

/// <summary>Maintainers remove uploaded templates (shipped ones are part of the release: 409). Specs already generated keep their provenance.</summary>
public sealed class DeleteTemplateHandler(TemplateCatalog catalog, PortalDbContext db)
{
    public async Task<Result<string>> HandleAsync(string id, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!PortalPolicies.Allows(PortalPolicies.CanPublish, actor.Roles))
        {
            return Problem.Forbidden("Deleting templates needs the Maintainer or Admin role.");
        }

        if (catalog.Find(id) is not null)
        {
            return Problem.Conflict($"'{id}' is a shipped template and cannot be deleted.");
        }

        var deleted = await db.Set<UploadedTemplate>().Where(t => t.Id == id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Problem.NotFound($"Template '{id}'") : id;
    }
}
