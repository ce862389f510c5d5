using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Submits a page's form the way a browser would: load the page, keep its hidden fields
/// (the antiforgery token and Blazor's form name), fill in values and post.
/// </summary>
public static class HtmlForms
{
    private static readonly HtmlParser Parser = new();

    public static async Task<IHtmlDocument> GetDocumentAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} returned {(int)response.StatusCode}: {html[..Math.Min(html.Length, 500)]}");
        return Parser.ParseDocument(html);
    }

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    /// <summary>Where a redirect points, as a site-relative path and query (the app may send absolute URLs).</summary>
    public static string RedirectTarget(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} without a Location header.");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    /// <summary>
    /// Finds the form by its Blazor form name (the hidden <c>_handler</c> field) or, for plain
    /// forms, by its action, and posts it with <paramref name="values"/> merged over its hidden fields.
    /// Repeated names are given as comma-free lists via <paramref name="multi"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitAsync(
        HttpClient client, string url, string formNameOrAction, Dictionary<string, string> values, Dictionary<string, string[]>? multi = null)
    {
        var document = await GetDocumentAsync(client, url);
        return await SubmitAsync(client, document, url, formNameOrAction, values, multi);
    }

    /// <summary>Posts a form of a page loaded earlier (e.g. to test what happens when the data changed in between).</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(
        HttpClient client, IHtmlDocument document, string url, string formNameOrAction, Dictionary<string, string> values, Dictionary<string, string[]>? multi = null)
    {
        var form = FindForm(document, formNameOrAction)
            ?? throw new Xunit.Sdk.XunitException($"No form '{formNameOrAction}' on {url}.");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var input in form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>())
        {
            if (!values.ContainsKey(input.Name ?? ""))
            {
                fields.Add(new(input.Name!, input.Value));
            }
        }

        fields.AddRange(values);
        foreach (var (name, list) in multi ?? [])
        {
            fields.AddRange(list.Select(v => new KeyValuePair<string, string>(name, v)));
        }

        var action = string.IsNullOrEmpty(form.GetAttribute("action")) ? url : form.GetAttribute("action")!;
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    public static string AntiforgeryToken(IDocument document) =>
        document.QuerySelector("meta[name=request-verification-token]")?.GetAttribute("content")
        ?? throw new Xunit.Sdk.XunitException("The page has no antiforgery meta tag.");

    private static IHtmlFormElement? FindForm(IHtmlDocument document, string nameOrAction) =>
        document.Forms.FirstOrDefault(f =>
            f.QuerySelector($"input[name=_handler][value='{nameOrAction}']") is not null
            || string.Equals(f.GetAttribute("action"), nameOrAction, StringComparison.Ordinal));
}
