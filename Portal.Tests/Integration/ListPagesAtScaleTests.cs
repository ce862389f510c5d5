using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Features.Demo;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// Every list page over a table of 10,000 rows (<c>PORTAL_LIST_ROWS</c> overrides): page 1, a middle
/// page, the last page and a sort render the right rows, and one render runs a bounded number of
/// database commands whatever the page (paged queries, no N+1, no whole-table loads). Not timed: the
/// latency target is measured by <c>bench load</c>.
/// </summary>
public sealed class ListPagesAtScaleTests(ListPagesAtScaleTests.Fixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ListPagesAtScaleTests.Fixture>
{
    public static readonly int Rows = int.TryParse(Environment.GetEnvironmentVariable("PORTAL_LIST_ROWS"), out var rows) ? rows : 10_000;

    private const int PageSize = 25;

    /// <summary>
    /// Commands one render may run: authentication (token or cookie lookups), the count, the page,
    /// a lookup for the page's related rows, the page's form options. A page that loaded rows one by
    /// one would run at least 25 more.
    /// </summary>
    private const int MaxCommands = 10;

    /// <summary>Each list page, the selector of one of its rows, and how many seeded rows it lists besides the fixture's own.</summary>
    public static TheoryData<string, string> Pages => new()
    {
        { "/simulations", "#jobs-table tbody tr" },
        { "/reports", "table tbody tr[data-report]" },
        { "/bundles", "tr[data-bundle]" },
        { "/provenance", "#runs tbody tr" },
        { "/publishing", "#publish-runs tbody tr" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_one_a_middle_page_and_the_last_page_list_the_right_rows_with_a_bounded_number_of_queries(string path, string row)
    {
        var first = await fixture.RenderAsync(path);
        var total = TotalOf(first.Document);
        Assert.True(total >= Rows, $"{path}: {total} total");
        Assert.Equal(PageSize, first.Document.QuerySelectorAll(row).Length);
        var lastPage = (total + PageSize - 1) / PageSize;
        Assert.Contains($"Page 1 of {lastPage}", first.Document.QuerySelector("nav[aria-label=Pages]")!.TextContent, StringComparison.Ordinal);

        var middle = await fixture.RenderAsync($"{path}?page={lastPage / 2}");
        Assert.Equal(PageSize, middle.Document.QuerySelectorAll(row).Length);
        Assert.Empty(Ids(first.Document, row).Intersect(Ids(middle.Document, row)));

        var last = await fixture.RenderAsync($"{path}?page={lastPage}");
        Assert.Equal(total - ((lastPage - 1) * PageSize), last.Document.QuerySelectorAll(row).Length);
        Assert.Contains($"Page {lastPage} of {lastPage}", last.Document.QuerySelector("nav[aria-label=Pages]")!.TextContent, StringComparison.Ordinal);

        output.WriteLine($"{path}: {total} rows; database commands per render: page 1 {first.Commands}, middle {middle.Commands}, last {last.Commands}");
        foreach (var render in new[] { first, middle, last })
        {
            Assert.InRange(render.Commands, 1, MaxCommands);
        }
    }

    [Theory]
    [InlineData("/simulations?sort=submitted&dir=asc", "#jobs-table tbody tr", "Seeded comparison 0", "Seeded comparison 24")]
    [InlineData("/provenance?sort=created&dir=asc", "#runs tbody tr", "Seeded run 0", "Seeded run 24")]
    public async Task Ascending_sort_starts_with_the_oldest_rows_and_pager_links_keep_the_sort(string path, string row, string firstText, string lastText)
    {
        var page = await fixture.RenderAsync(path);
        var rows = page.Document.QuerySelectorAll(row);
        Assert.Contains(firstText, rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains(lastText, rows[^1].TextContent, StringComparison.Ordinal);
        var links = page.Document.QuerySelectorAll("nav[aria-label=Pages] a.page-link");
        var next = links[^1].GetAttribute("href")!;
        Assert.Contains("dir=asc", next, StringComparison.Ordinal);
        Assert.Contains("page=2", next, StringComparison.Ordinal);
        Assert.InRange(page.Commands, 1, MaxCommands);
    }

    [Theory]
    [InlineData("/simulations?sort=status", "#jobs-table tbody tr", "data-status")]
    [InlineData("/reports?sort=year&dir=asc", "table tbody tr[data-report]", null)]
    [InlineData("/bundles?sort=country&dir=asc", "tr[data-bundle]", null)]
    public async Task Other_sorts_render_a_full_page_in_a_bounded_number_of_queries(string path, string row, string? attribute)
    {
        var page = await fixture.RenderAsync(path);
        Assert.Equal(PageSize, page.Document.QuerySelectorAll(row).Length);
        Assert.InRange(page.Commands, 1, MaxCommands);
        if (attribute is not null)
        {
            var values = page.Document.QuerySelectorAll(row).Select(r => r.GetAttribute(attribute)!).ToList();
            Assert.Equal(values.Order(StringComparer.Ordinal).Reverse(), values);
        }

        // The sort survives into the pager's links and the filter form shows it.
        var links = page.Document.QuerySelectorAll("nav[aria-label=Pages] a.page-link");
        Assert.Contains("sort=", links[^1].GetAttribute("href")!, StringComparison.Ordinal);
        Assert.NotNull(page.Document.QuerySelector("select[name=sort] option[selected]"));
    }

    private static int TotalOf(IDocument document)
    {
        var text = document.QuerySelector("nav[aria-label=Pages] span")!.TextContent;
        var total = text[(text.IndexOf('·', StringComparison.Ordinal) + 1)..].Replace("total", "", StringComparison.Ordinal).Trim();
        return int.Parse(total, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    private static IEnumerable<string> Ids(IDocument document, string row) =>
        document.QuerySelectorAll(row).Select(r => r.QuerySelector("a")?.GetAttribute("href") ?? r.TextContent);

    public sealed record Render(IDocument Document, int Commands);

    /// <summary>A portal with <see cref="Rows"/> rows in every listed table and an EF command counter per request.</summary>
    public sealed class Fixture : PortalFactory, IAsyncLifetime
    {
        private const string CountHeader = "X-Test-Command-Count";
        private readonly CommandCounter counter = new();
        private HttpClient browser = null!;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.AddHttpContextAccessor();
                services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(counter));
            });
        }

        public async Task InitializeAsync()
        {
            var email = $"scale-{Guid.NewGuid():N}@example.org";
            await CreateUserAsync(email, TestPasswords.Strong, "Admin");
            await WithDbAsync(db => SeedLoadRows.SeedAsync(db, new SeedLoadRowsRequest(Rows)));
            browser = await SignedInClientAsync(email);
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

        /// <summary>GETs a page as a browser and returns it with the number of database commands its request ran.</summary>
        public async Task<Render> RenderAsync(string path)
        {
            var id = Guid.NewGuid().ToString("N");
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(CountHeader, id);
            using var response = await browser.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var document = HtmlForms.Parse(await response.Content.ReadAsStringAsync());
            return new Render(document, counter.Take(id));
        }

        /// <summary>Counts the commands run while a request carrying <see cref="CountHeader"/> is being handled.</summary>
        private sealed class CommandCounter : DbCommandInterceptor
        {
            private readonly HttpContextAccessor accessor = new();
            private readonly ConcurrentDictionary<string, int> counts = new();

            public int Take(string id) => counts.TryRemove(id, out var n) ? n : 0;

            public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
                Count(result);

            public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
                ValueTask.FromResult(Count(result));

            public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
                Count(result);

            public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
                ValueTask.FromResult(Count(result));

            public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
                Count(result);

            public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
                ValueTask.FromResult(Count(result));

            private T Count<T>(T result)
            {
                if (accessor.HttpContext?.Request.Headers[CountHeader].ToString() is { Length: > 0 } id)
                {
                    counts.AddOrUpdate(id, 1, (_, n) => n + 1);
                }

                return result;
            }
        }
    }
}
