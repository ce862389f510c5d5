using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Hosting;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Hostile;

/// <summary>
/// Issue 9: path traversal on every route that takes a file or name, CR/LF and other invalid header
/// values on the headers Portal reads, and bodies over the size limit. In memory, plus real Kestrel
/// for what only the wire can carry (a NUL in the path, a raw CR in a header, a chunked body).
/// </summary>
public sealed class TraversalHeaderAndSizeTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string Sentinel = "TOP-SECRET-SENTINEL-7f3a";

    private static readonly string[] Traversals =
    [
        "../../secret.txt", "..%2f..%2fsecret.txt", "%2e%2e%2f%2e%2e%2fsecret.txt", "%252e%252e%252fsecret.txt", "..%5c..%5csecret.txt",
        "..\\..\\secret.txt", "%2fetc%2fpasswd", "/etc/passwd", "C:%5cWindows%5cwin.ini", "....//....//secret.txt", "..%c0%afsecret.txt",
    ];

    // A NUL in the path is refused by the in-memory server before the app; the Kestrel test sends one.
    private static readonly string[] Routes =
    [
        "/v1/artifacts/run_00000000000000000000000000/files/{x}", "/api/v2/artifacts/run_00000000000000000000000000/files/{x}",
        "/v1/artifacts/{x}", "/api/publish/pub_0000000000/files/{x}", "/api/v2/publish/pub_0000000000/files/{x}", "/api/publish/{x}/manifest",
        "/api/v2/data-releases/uk/{x}", "/api/v2/data-releases/uk/{x}/verify", "/api/v2/data-releases/{x}/1.0.0",
        "/api/v1/templates/{x}", "/api/v2/bundles/{x}", "/api/v2/models/uk/{x}", "/aliases/uk/{x}", "/aliases/uk/{x}/history",
        "/api/admin/users/{x}", "/jobs/{x}", "/api/v2/policies/{x}",
    ];

    [Fact]
    public async Task Traversal_in_routes_never_reaches_a_file()
    {
        File.WriteAllText(Path.Combine(factory.DataDir, "secret.txt"), Sentinel);
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        using var state = new StateSnapshot(factory.DataDir);
        var hostile = new HostileClient(admin, state, OpenApiFuzzTests.AnsweredByApi);
        foreach (var route in Routes)
        {
            foreach (var traversal in Traversals)
            {
                var url = route.Replace("{x}", traversal, StringComparison.Ordinal);
                var response = await hostile.SendAsync(new Payload("traversal", "GET", url, null, null));
                var body = await response.Content.ReadAsStringAsync();
                Assert.False(response.IsSuccessStatusCode && body.Contains(Sentinel, StringComparison.Ordinal), $"{url} served the sentinel");
                Assert.True((int)response.StatusCode is >= 400 and < 500, $"{url}: {(int)response.StatusCode}");
            }
        }

        Assert.True(hostile.FailureCount == 0, hostile.Report());
    }

    [Fact]
    public async Task Traversal_in_body_fields_is_rejected_and_writes_nothing()
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        using var state = new StateSnapshot(factory.DataDir);
        var hostile = new HostileClient(admin, state);
        string[] values = ["../../../tmp/x", "..\\..\\x", "/etc/passwd", "1.0.0/../../x", "1.0.0\u0000", "C:\\x", "%2e%2e%2fx"];
        foreach (var value in values)
        {
            foreach (var (url, body) in new (string, object)[]
            {
                ("/api/v2/data-releases", new { country = "uk", version = value, households = 10 }),
                ("/api/v2/data-releases", new { country = value, version = "1.0.0", households = 10 }),
                ("/api/publish", new { data_release = value, scope = "national" }),
                ("/api/publish", new { data_release = "uk@1.0.0", scope = value, areas = new[] { value } }),
                ("/api/v2/bundles", new { country = "uk", model_version = value, data_version = value }),
                ("/api/v2/bundles", new { country = "uk", model_version = "1.0.0", data_version = "1.0.0", dataset = value }),
            })
            {
                var response = await hostile.SendAsync(new Payload($"traversal in body: {value}", "POST", url, JsonSerializer.SerializeToUtf8Bytes(body), "application/json"));
                Assert.True((int)response.StatusCode is >= 400 and < 500, $"{url} {JsonSerializer.Serialize(body)}: {(int)response.StatusCode}");
            }
        }

        Assert.True(hostile.FailureCount == 0, hostile.Report());
        Assert.False(File.Exists("/tmp/x"));
    }

    [Theory]
    [InlineData("Idempotency-Key", "/uk/report/1/rerun")]
    [InlineData("X-Model-Provenance", "/v1/run")]
    public async Task Header_values_with_line_breaks_are_rejected_not_echoed(string header, string path)
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        var token = admin.DefaultRequestHeaders.Authorization!.ToString();
        string[] values = ["a\r\nInjected: yes", "a\nInjected: yes", "a\rInjected: yes", "\u0000", new string('k', 70_000), "\u00ff\u00fe", ""];
        using var state = new StateSnapshot(factory.DataDir);
        foreach (var value in values)
        {
            var context = await factory.Server.SendAsync(c =>
            {
                c.Request.Method = "POST";
                c.Request.Path = path;
                c.Request.Headers.Authorization = token;
                c.Request.Headers[header] = value;
                c.Request.ContentType = "application/yaml";
                c.Request.Body = new MemoryStream("schemaVersion: 1\nspec:\n  country: us\n"u8.ToArray());
            });
            var status = context.Response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{header}: {Escape(value)} → {status}");
            Assert.Equal("application/problem+json", context.Response.ContentType?.Split(';')[0]);
            Assert.DoesNotContain(context.Response.Headers, h => h.Key.Equals("Injected", StringComparison.OrdinalIgnoreCase) || h.Value.Any(v => v?.Contains('\n') == true || v?.Contains('\r') == true));
            Assert.Equal("", state.Changes());
        }
    }

    [Theory]
    [InlineData("/api/v2/data-releases", "application/json")]
    [InlineData("/api/v2/bundles", "application/json")]
    [InlineData("/bundles", "application/json")]
    [InlineData("/api/tokens", "application/json")]
    [InlineData("/uk/policy", "application/json")]
    [InlineData("/simulate/economy/comparison", "application/json")]
    [InlineData("/v1/run", "application/yaml")]
    [InlineData("/api/v1/templates", "application/yaml")]
    [InlineData("/api/v1/templates/us-standard-deduction/generate", "application/json")]
    public async Task Bodies_over_the_limit_are_413_problem_details(string path, string contentType)
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        using var state = new StateSnapshot(factory.DataDir);
        var hostile = new HostileClient(admin, state);
        var body = Encoding.UTF8.GetBytes("{\"x\":\"" + new string('a', (int)RequestGuards.MaxBodyBytes) + "\"}");
        var response = await hostile.SendAsync(new Payload("oversized", "POST", path, body, contentType));
        Assert.True(hostile.FailureCount == 0, hostile.Report());
        Assert.Equal(413, (int)response.StatusCode);
    }

    [Fact]
    public async Task On_the_wire_Kestrel_rejects_nul_paths_raw_line_breaks_and_chunked_bodies_over_the_limit()
    {
        using var kestrel = new PortalFactory();
        kestrel.UseKestrel(0);
        kestrel.StartServer();
        var admin = await kestrel.ApiClientForNewUserAsync("Admin");
        var token = admin.DefaultRequestHeaders.Authorization!.ToString();
        var address = new Uri(kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var nul = await RawAsync(address, $"GET /api/v1/templates/a%00b HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 4", nul, StringComparison.Ordinal);

        var header = await RawAsync(address, $"POST /uk/report/1/rerun HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\nIdempotency-Key: a\rInjected: yes\r\nContent-Length: 0\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400", header, StringComparison.Ordinal);
        Assert.DoesNotContain("Injected", header, StringComparison.Ordinal);

        var control = await RawAsync(address, $"GET /api/me HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\nX-Bad: a\u0001b\r\n\r\n");
        Assert.Matches("^HTTP/1.1 (200|400)", control);

        // No Content-Length: only Kestrel's body limit (set per request by RequestGuards) can stop it.
        // Template upload reads the whole body before parsing, so the limit, not a parse error, ends it.
        var chunked = new StringBuilder($"POST /api/v1/templates HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\nContent-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n");
        var chunk = new string('a', 64 * 1024);
        for (var sent = 0L; sent <= RequestGuards.MaxBodyBytes; sent += chunk.Length)
        {
            chunked.Append($"{chunk.Length:x}\r\n{chunk}\r\n");
        }

        var tooLarge = await RawAsync(address, chunked.Append("0\r\n\r\n").ToString());
        Assert.StartsWith("HTTP/1.1 413", tooLarge, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", tooLarge, StringComparison.Ordinal);
    }

    /// <summary>One request over a raw socket (what HttpClient refuses to send); the status line and headers of the answer.</summary>
    private static async Task<string> RawAsync(Uri address, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var bytes = Encoding.Latin1.GetBytes(request);
        try
        {
            await stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
            // The server may answer and close before the whole (oversized) body is written.
        }

        var buffer = new byte[16 * 1024];
        var read = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), timeout.Token)) > 0)
            {
                read += n;
                if (Encoding.Latin1.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal) && read > 200)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // A reset after the answer was written.
        }

        return Encoding.Latin1.GetString(buffer, 0, read);
    }

    private static string Escape(string value) => value.Length > 40 ? $"{value.Length} chars" : JsonSerializer.Serialize(value);
}
