using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Portal.Hosting;
using Portal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.Hostile;

/// <summary>
/// Issue 9, hostile input: every operation of the OpenAPI document gets malformed and boundary
/// payloads derived from its schema (bodies for every writing operation, hostile values for every
/// query and route parameter), sent by an administrator so every handler really runs. No answer
/// may be a 5xx, every 4xx is problem+json, and no rejection changes the database or the data
/// directory. PORTAL_FUZZ_PAYLOADS sets the total (default 10,000), PORTAL_FUZZ_SEED the seed.
/// </summary>
public sealed class OpenApiFuzzTests(PortalFactory factory, ITestOutputHelper output) : IClassFixture<PortalFactory>
{
    public const int DefaultPayloads = 10_000;

    private const string TargetUser = "fuzz-target@example.org";

    [Fact]
    public async Task Every_operation_survives_malformed_and_boundary_input()
    {
        var total = int.TryParse(Environment.GetEnvironmentVariable("PORTAL_FUZZ_PAYLOADS"), out var t) ? t : DefaultPayloads;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PORTAL_FUZZ_SEED"), out var s) ? s : 9;
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        await factory.CreateUserAsync(TargetUser, TestPasswords.Strong, "Analyst");

        var document = await admin.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var operations = OpenApiOperations.Read(document!).Where(Fuzzable).ToList();
        var bodies = operations.Where(o => o.HasBody).ToList();
        var withParameters = operations.Where(o => o.Parameters.Any(p => p.In is "query" or "path")).ToList();
        Assert.NotEmpty(bodies);
        var quota = (int)Math.Ceiling(total / (double)(bodies.Count + withParameters.Count));

        using var state = new StateSnapshot(factory.DataDir);
        var hostile = new HostileClient(admin, state, AnsweredByApi);
        var generator = new PayloadGenerator(new Random(seed));
        var counts = new List<(string Operation, int Count)>();
        var clock = Stopwatch.StartNew();
        foreach (var operation in operations)
        {
            var sent = 0;
            if (operation.HasBody)
            {
                foreach (var payload in generator.ForBody(operation, Url(operation, null), quota))
                {
                    await hostile.SendAsync(payload);
                    sent++;
                }
            }

            foreach (var payload in generator.ForParameters(operation, Url, operation.HasBody ? quota / 4 : quota))
            {
                // Parameter payloads of a writing operation carry its example body, so the handler gets past binding.
                var body = operation.HasBody ? System.Text.Encoding.UTF8.GetBytes(PayloadGenerator.Example(operation.JsonBody ?? [], 0)?.ToJsonString() ?? "{}") : null;
                await hostile.SendAsync(payload with { Body = body, ContentType = body is null ? null : PayloadGenerator.Json });
                sent++;
            }

            counts.Add((operation.Name, sent));
        }

        foreach (var (name, count) in counts)
        {
            output.WriteLine($"{count,6}  {name}");
        }

        var sum = counts.Sum(c => c.Count);
        output.WriteLine($"{sum,6}  total payloads over {counts.Count} operations ({bodies.Count} with bodies) in {clock.Elapsed.TotalSeconds:F1} s, seed {seed}");
        output.WriteLine("Answers: " + string.Join(", ", hostile.StatusCounts.OrderBy(c => c.Key).Select(c => $"{c.Key}×{c.Value}")));
        Assert.True(hostile.FailureCount == 0, hostile.Report());
        Assert.True(sum >= total, $"only {sum} payloads");
        Assert.All(bodies, o => Assert.True(counts.Single(c => c.Operation == o.Name).Count > 0, $"{o.Name} got no payloads"));
    }

    /// <summary>API operations only: pages answer people, not programs; the document itself is not input.</summary>
    private static bool Fuzzable(ApiOperation operation) =>
        !operation.Path.StartsWith("/openapi", StringComparison.Ordinal)
        && (ApiPaths.IsApi(new PathString(Url(operation, null))) || operation.Path.StartsWith("/bundles", StringComparison.Ordinal));

    /// <summary>
    /// Whether the API (not a page) answers: API paths always; the paths pages share with the API
    /// (<c>/bundles</c>, <c>/aliases</c>) for reads and for JSON bodies, as the negotiation rule says.
    /// </summary>
    public static bool AnsweredByApi(Payload payload)
    {
        var path = new Uri(new Uri("http://localhost"), payload.Url).AbsolutePath;
        if (ApiPaths.IsApi(new PathString(Uri.UnescapeDataString(path))))
        {
            return true;
        }

        var negotiated = ApiPaths.NegotiatedPrefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase));
        var json = payload.ContentType is { } type && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media) && media.MediaType == PayloadGenerator.Json;
        return negotiated && (payload.Method is "GET" or "HEAD" || json);
    }

    /// <summary>The operation's URL with plausible route values, and the given parameters replaced by (escaped) hostile ones.</summary>
    private static string Url(ApiOperation operation, IReadOnlyDictionary<string, string>? hostile)
    {
        var path = operation.Path;
        var query = new List<string>();
        foreach (var parameter in operation.Parameters)
        {
            var value = hostile?.GetValueOrDefault(parameter.Name);
            if (parameter.In == "path")
            {
                path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(value ?? Plausible(operation, parameter)), StringComparison.Ordinal);
            }
            else if (parameter.In == "query" && value is not null)
            {
                query.Add($"{Uri.EscapeDataString(parameter.Name)}={Uri.EscapeDataString(value)}");
            }
        }

        return query.Count == 0 ? path : path + "?" + string.Join("&", query);
    }

    private static string Plausible(ApiOperation operation, ApiParameter parameter) => parameter.Name switch
    {
        "country" or "country_id" => "uk",
        "version" => "1.0.0",
        "id" when operation.Path.Contains("/users/", StringComparison.Ordinal) => TargetUser,
        _ when OpenApiOperations.TypeOf(parameter.Schema) is "integer" or "number" => "999999",
        _ => "fuzz",
    };
}
