using System.Globalization;
using Portal.Core.Features.Runs;

namespace Portal.Components.Pages.Runs;

/// <summary>The registry filters as they live in the query string (so a filtered list is a link).</summary>
public sealed record RunFilter(string? Source, string? Template, string? Model, string? Bundle, string? Country, string? Search, string? Sort = null, string? Dir = null)
{
    /// <summary>The sort (not a filter: <see cref="Any"/> ignores it); unknown keys fall back to newest first.</summary>
    public Portal.Core.Common.Sorting Sorting { get; } = Portal.Core.Common.Sorting.Normalize(Sort, Dir, ListRunsHandler.SortKeys);

    public const int PageSize = 25;

    public bool Any => new[] { Source, Template, Model, Bundle, Country, Search }.Any(v => !string.IsNullOrWhiteSpace(v));

    public ListRunsRequest ToRequest(int? page) =>
        new(Source: Blank(Source), TemplateId: Blank(Template), ModelId: Blank(Model), Bundle: Blank(Bundle), Country: Blank(Country), Search: Blank(Search),
            Page: page is > 0 ? page : 1, PageSize: PageSize, SortBy: Sorting.Key, SortOrder: Sorting.Direction);

    public string Url(int page)
    {
        var parts = new List<string>();
        foreach (var (name, value) in new[] { ("source", Source), ("template", Template), ("model", Model), ("bundle", Bundle), ("country", Country), ("search", Search) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
        }

        parts.AddRange(Portal.Components.Shared.SortSelect.QueryParts(Sorting, ListRunsHandler.SortKeys[0]));
        if (page > 1)
        {
            parts.Add("page=" + page.ToString(CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "/provenance" : "/provenance?" + string.Join('&', parts);
    }

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}
