using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Features.Reports;

namespace Portal.Components.Pages.Reports;

/// <summary>
/// The reports list's filters as they live in the query string (blank = no filter), and the URL of
/// a page with the same filters, so paging and links keep them.
/// </summary>
public sealed record ReportFilter
{
    public ReportFilter(string? country, string? type, string? status, string? owner, string? year, string? sort = null, string? dir = null)
    {
        Sorting = Sorting.Normalize(sort, dir, ListReportsHandler.SortKeys);
        Country = Blank(country)?.ToLowerInvariant();
        Type = Blank(type);
        Status = Blank(status);
        Owner = Blank(owner) == "mine" ? "me" : Blank(owner);
        Year = Blank(year);
    }

    public string? Country { get; }

    public string? Type { get; }

    public string? Status { get; }

    /// <summary><c>me</c> (the form's "mine") or null for everyone's reports.</summary>
    public string? Owner { get; }

    public string? Year { get; }

    /// <summary>The sort (not a filter: <see cref="Any"/> ignores it).</summary>
    public Sorting Sorting { get; }

    public bool Any => Country is not null || Type is not null || Status is not null || Owner is not null || Year is not null;

    public string Url(int page)
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        Add("country", Country);
        Add("type", Type);
        Add("status", Status);
        Add("owner", Owner is null ? null : "mine");
        Add("year", Year);
        parts.AddRange(Portal.Components.Shared.SortSelect.QueryParts(Sorting, ListReportsHandler.SortKeys[0]));
        if (page > 1)
        {
            parts.Add("page=" + page.ToString(CultureInfo.InvariantCulture));
        }

        return "/reports" + (parts.Count == 0 ? "" : "?" + string.Join('&', parts));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
