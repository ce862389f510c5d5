using Microsoft.AspNetCore.Http;
using Portal.Hosting;

namespace Portal.Tests.Unit;

/// <summary>The rule that splits a path shared by a page and an API endpoint (the routing test is in BundlesApiTests).</summary>
public sealed class ApiNegotiationTests
{
    [Theory]
    [InlineData("GET", null, null, true)]
    [InlineData("GET", "*/*", null, true)]
    [InlineData("GET", "application/json", null, true)]
    [InlineData("HEAD", "application/problem+json", null, true)]
    [InlineData("GET", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", null, false)]
    [InlineData("GET", "TEXT/HTML", null, false)]
    [InlineData("GET", "text/html;q=0, application/json", null, true)]
    [InlineData("POST", "text/html", "application/json; charset=utf-8", true)]
    [InlineData("PUT", null, "application/merge-patch+json", true)]
    [InlineData("POST", "text/html", "application/x-www-form-urlencoded", false)]
    [InlineData("POST", "*/*", "multipart/form-data; boundary=x", false)]
    [InlineData("DELETE", "*/*", null, false)]
    public void Json_bodies_and_reads_that_do_not_ask_for_html_go_to_the_api(string method, string? accept, string? contentType, bool api)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        context.Request.ContentType = contentType;
        Assert.Equal(api, ApiNegotiation.PrefersApi(context.Request));
    }

    [Fact]
    public void Negotiated_paths_count_as_api_only_for_api_requests_before_routing()
    {
        var curl = new DefaultHttpContext();
        curl.Request.Method = "GET";
        curl.Request.Path = "/bundles/bnd_0123456789abcdef";
        Assert.True(ApiPaths.IsApi(curl.Request));

        var browser = new DefaultHttpContext();
        browser.Request.Method = "GET";
        browser.Request.Path = "/bundles";
        browser.Request.Headers.Accept = "text/html";
        Assert.False(ApiPaths.IsApi(browser.Request));

        var other = new DefaultHttpContext();
        other.Request.Method = "GET";
        other.Request.Path = "/bundlesx";
        Assert.False(ApiPaths.IsApi(other.Request));
    }
}
