using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Runs;

/// <summary>
/// Registry query. Filters combine with AND; <paramref name="Bundle"/> takes a full id, a display id or
/// a prefix of the full id; <paramref name="Search"/> is a case-insensitive substring of the run's search
/// text. Paging by <paramref name="Skip"/>/<paramref name="Limit"/> (or 1-based <paramref name="Page"/>/<paramref name="PageSize"/>).
/// Sorting: <c>created</c> (default), <c>completed</c>, <c>template</c>, <c>country</c>, <c>status</c>, <c>source</c>; order <c>desc</c> (default) or <c>asc</c>; ties by run id.
/// </summary>
public sealed record ListRunsRequest(
    string? Source = null,
    string? TemplateId = null,
    string? ModelId = null,
    string? Bundle = null,
    string? Country = null,
    string? Kind = null,
    string? Status = null,
    DateTime? CreatedAfter = null,
    DateTime? CreatedBefore = null,
    string? Search = null,
    int? Skip = null,
    int? Limit = null,
    int? Page = null,
    int? PageSize = null,
    string? SortBy = null,
    string? SortOrder = null);

public sealed record RunSummary(
    string RunId,
    string Kind,
    string Source,
    string? TemplateId,
    string? ModelId,
    string? Title,
    string Country,
    string BundleId,
    string? BundleRequested,
    string SpecSha256,
    string? ResultSha256,
    string Status,
    string? JobId,
    string? ReplayOf,
    string? ReplayOutcome,
    DateTime CreatedAt,
    DateTime? CompletedAt)
{
    /// <summary>The summary as a query projection (the list reads only these columns).</summary>
    public static readonly System.Linq.Expressions.Expression<Func<RunRecord, RunSummary>> Projection = r => new RunSummary(
        r.RunId, r.Kind, r.Source, r.TemplateId, r.ModelId, r.Title, r.Country, r.BundleId, r.BundleRequested,
        r.SpecSha256, r.ResultSha256, r.Status, r.JobId, r.ReplayOf, r.ReplayOutcome, r.CreatedAt, r.CompletedAt);

    private static readonly Func<RunRecord, RunSummary> FromRecord = Projection.Compile();

    public static RunSummary From(RunRecord r) => FromRecord(r);
}

public sealed record RunList(IReadOnlyList<RunSummary> Runs, int Total, int Count, int Skip, int Limit);

public sealed class ListRunsHandler(PortalDbContext db)
{
    public static readonly string[] SortKeys = ["created", "completed", "template", "country", "status", "source"];

    public async Task<Result<RunList>> HandleAsync(ListRunsRequest request, CancellationToken ct = default)
    {
        var errors = new Validation();
        var sortBy = (request.SortBy ?? "created").Trim().ToLowerInvariant();
        var order = (request.SortOrder ?? "desc").Trim().ToLowerInvariant();
        errors.Require(SortKeys.Contains(sortBy), "sortBy", $"One of {string.Join(", ", SortKeys)}.")
            .Require(order is "asc" or "desc", "sortOrder", "'asc' or 'desc'.")
            .Require(request.Limit is null or (>= 1 and <= 1000), "limit", "Between 1 and 1000.")
            .Require(request.Skip is null or >= 0, "skip", "0 or more.")
            .Require(request.PageSize is null or (>= 1 and <= 1000), "pageSize", "Between 1 and 1000.")
            .Require(request.Page is null or >= 1, "page", "1 or more.");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var limit = request.Limit ?? request.PageSize ?? 50;
        var skip = request.Skip ?? ((request.Page ?? 1) - 1) * limit;
        var runs = db.Runs.AsNoTracking();
        if (Given(request.Source) is { } source)
        {
            runs = runs.Where(r => r.Source == source);
        }

        if (Given(request.TemplateId) is { } template)
        {
            runs = runs.Where(r => r.TemplateId == template);
        }

        if (Given(request.ModelId) is { } model)
        {
            runs = runs.Where(r => r.ModelId == model);
        }

        if (Given(request.Country)?.ToLowerInvariant() is { } country)
        {
            runs = runs.Where(r => r.Country == country);
        }

        if (Given(request.Kind) is { } kind)
        {
            runs = runs.Where(r => r.Kind == kind);
        }

        if (Given(request.Status) is { } status)
        {
            runs = runs.Where(r => r.Status == status);
        }

        if (Given(request.Bundle) is { } bundle)
        {
            var full = bundle.StartsWith(BundleIdentity.DisplayPrefix, StringComparison.Ordinal)
                ? await db.ExecutionBundles.AsNoTracking().Where(b => b.DisplayId == bundle).Select(b => b.BundleId).FirstOrDefaultAsync(ct) ?? bundle
                : bundle.ToLowerInvariant();
            runs = runs.Where(r => r.BundleId.StartsWith(full));
        }

        if (request.CreatedAfter is { } after)
        {
            var utc = after.ToUniversalTime();
            runs = runs.Where(r => r.CreatedAt > utc);
        }

        if (request.CreatedBefore is { } before)
        {
            var utc = before.ToUniversalTime();
            runs = runs.Where(r => r.CreatedAt < utc);
        }

        if (Given(request.Search)?.ToLowerInvariant() is { } search)
        {
            runs = runs.Where(r => r.SearchText.Contains(search));
        }

        var total = await runs.CountAsync(ct);
        var asc = order == "asc";
        IOrderedQueryable<RunRecord> sorted = sortBy switch
        {
            "completed" => asc ? runs.OrderBy(r => r.CompletedAt) : runs.OrderByDescending(r => r.CompletedAt),
            "template" => asc ? runs.OrderBy(r => r.TemplateId) : runs.OrderByDescending(r => r.TemplateId),
            "country" => asc ? runs.OrderBy(r => r.Country) : runs.OrderByDescending(r => r.Country),
            "status" => asc ? runs.OrderBy(r => r.Status) : runs.OrderByDescending(r => r.Status),
            "source" => asc ? runs.OrderBy(r => r.Source) : runs.OrderByDescending(r => r.Source),
            _ => asc ? runs.OrderBy(r => r.CreatedAt) : runs.OrderByDescending(r => r.CreatedAt),
        };
        sorted = asc ? sorted.ThenBy(r => r.RunId) : sorted.ThenByDescending(r => r.RunId);
        // The page's ids first (a narrow sort instead of sorting whole rows with their spec and
        // provenance text), then those rows in that order.
        var runIds = await sorted.Select(r => r.RunId).Skip(skip).Take(limit).ToListAsync(ct);
        // Only the summary's columns: a run's spec, provenance and search text are most of its row.
        var found = await db.Runs.AsNoTracking().Where(r => runIds.Contains(r.RunId)).Select(RunSummary.Projection).ToListAsync(ct);
        var rows = found.OrderBy(r => runIds.IndexOf(r.RunId)).ToList();
        return new RunList(rows, total, rows.Count, skip, limit);
    }

    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Parses an ISO 8601 instant from a query string (UTC when it carries no offset).</summary>
    public static bool TryParseInstant(string? text, out DateTime? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed.UtcDateTime;
            return true;
        }

        return false;
    }
}
