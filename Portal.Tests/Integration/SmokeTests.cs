using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

public sealed class SmokeTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Setup_page_is_served_on_an_empty_database()
    {
        var client = factory.BrowserClient();
        var response = await client.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(factory.DataDir, Directory.GetFiles(factory.DataDir, "portal.db").Single(), StringComparison.Ordinal);
    }
}
