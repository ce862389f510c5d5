using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using Portal.Api;
using Portal.Core.Identity;
using Portal.Hosting;
using Portal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.Security;

/// <summary>
/// Every endpoint of the endpoint data source against <see cref="AccessMatrix"/>: first what its
/// metadata declares, then what it answers anonymously and to each role.
/// Rules: API routes (<see cref="ApiPaths.IsApi(PathString)"/> and the negotiated API endpoints)
/// answer 401 problem+json without credentials and 403 problem+json to a role that may not; pages
/// and their fragments redirect a browser (302) to /account/login and /account/access-denied instead.
/// "Allowed" means past authorization: any answer but 401/403, those redirects or a 5xx (the
/// placeholder arguments make many of them 400/404/409/422). The API is called with bearer tokens,
/// the pages with cookies from the real login form.
/// </summary>
public sealed class EndpointAccessTests(AccessFixture fixture, ITestOutputHelper output) : IClassFixture<AccessFixture>
{
    [Fact]
    public void Every_endpoint_has_a_reviewed_matrix_entry()
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in RouteEndpoints().Where(e => !IsStaticAsset(e)))
        {
            var key = KeyOf(endpoint);
            seen.Add(key);
            var actual = RequirementOf(endpoint);
            if (!AccessMatrix.Endpoints.TryGetValue(key, out var expected))
            {
                problems.Add($"New endpoint without a matrix entry: [\"{key}\"] = {actual}");
            }
            else if (expected != actual)
            {
                problems.Add($"{key} requires {actual}, the matrix says {expected}");
            }
        }

        problems.AddRange(AccessMatrix.Endpoints.Keys.Where(k => !seen.Contains(k)).Select(k => $"Matrix entry without an endpoint: {k}"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Static_assets_are_anonymous_read_only_files()
    {
        var assets = RouteEndpoints().Where(IsStaticAsset).ToList();
        Assert.NotEmpty(assets);
        Assert.All(assets, e =>
        {
            Assert.Equal(AccessMatrix.Anonymous, RequirementOf(e));
            Assert.Equal(["GET", "HEAD"], e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Order());
        });
    }

    /// <summary>
    /// Cookies ride along on cross-site requests, so every endpoint that changes state must check an
    /// antiforgery token: pages and [FromForm] endpoints through the antiforgery middleware, JSON API
    /// routes through <see cref="ApiResults.RequireCsrfProtectionForCookies"/> (bearer calls are exempt).
    /// Exempt here: the /api… fallbacks (they only answer 404) and the health probes (read-only).
    /// </summary>
    [Fact]
    public void Every_unsafe_endpoint_checks_an_antiforgery_token()
    {
        var unprotected = RouteEndpoints()
            .Where(e => !IsStaticAsset(e))
            .Where(e => MethodsOf(e).Any(m => m is not ("GET" or "HEAD" or "OPTIONS")))
            .Where(e => e.Metadata.GetMetadata<IAntiforgeryMetadata>() is not { RequiresValidation: true })
            .Where(e => e.Metadata.GetMetadata<CookieCsrfProtection>() is null)
            .Where(e => !(e.DisplayName ?? "").StartsWith("Fallback ", StringComparison.Ordinal) && e.DisplayName != "Health checks")
            .Select(KeyOf)
            .ToList();
        Assert.True(unprotected.Count == 0, "Unsafe endpoints without antiforgery: " + string.Join(", ", unprotected));
    }

    [Fact]
    public async Task Anonymous_callers_get_401_or_the_sign_in_page_except_on_anonymous_endpoints()
    {
        var failures = new List<string>();
        var api = fixture.ApiClient();
        var browser = fixture.BrowserClient();
        foreach (var endpoint in RouteEndpoints())
        {
            var (method, path, isApi) = RequestFor(endpoint);
            var requirement = IsStaticAsset(endpoint) ? AccessMatrix.Anonymous : RequirementOf(endpoint);
            using var response = await SendAsync(isApi ? api : browser, method, path, isApi, endpoint);
            var status = (int)response.StatusCode;
            var redirect = AccessFixture.RedirectPath(response);
            if (requirement == AccessMatrix.Anonymous)
            {
                if (status is 401 or 403 || status >= 500 || redirect?.StartsWith("/account/login", StringComparison.Ordinal) == true)
                {
                    failures.Add($"{method} {path}: anonymous endpoint answered {status} {redirect}");
                }
            }
            else if (isApi)
            {
                if (status != 401 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{method} {path}: expected 401 problem+json, got {status} {response.Content.Headers.ContentType}");
                }
            }
            else if (redirect?.StartsWith("/account/login", StringComparison.Ordinal) != true)
            {
                failures.Add($"{method} {path}: expected a redirect to /account/login, got {status} {redirect}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    public static TheoryData<string> Roles => [.. PortalRoles.All];

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Each_role_reaches_exactly_the_endpoints_the_matrix_gives_it(string role)
    {
        var failures = new List<string>();
        var calls = 0;
        foreach (var endpoint in RouteEndpoints().Where(e => !IsStaticAsset(e)))
        {
            var (method, path, isApi) = RequestFor(endpoint);

            // Sign-out and the theme switcher are plain form targets with no role distinction (and
            // signing out would end this client's session): AntiforgeryTests posts to them.
            if (!isApi && method == "POST")
            {
                continue;
            }

            var checkedInPage = AccessMatrix.CheckedInPage.TryGetValue(KeyOf(endpoint), out var inPage);
            var requirement = checkedInPage ? inPage! : RequirementOf(endpoint);
            var allowed = AccessMatrix.Allows(requirement, role);
            using var response = await SendAsync(isApi ? fixture.Tokens[role] : fixture.Browsers[role], method, path, isApi, endpoint);
            calls++;
            var status = (int)response.StatusCode;
            var redirect = AccessFixture.RedirectPath(response);
            var refused = status is 401 or 403
                || redirect?.StartsWith("/account/login", StringComparison.Ordinal) == true
                || redirect?.StartsWith("/account/access-denied", StringComparison.Ordinal) == true;
            if (status >= 500)
            {
                failures.Add($"{role} {method} {path}: {status}");
            }
            else if (allowed && refused)
            {
                failures.Add($"{role} {method} {path} ({requirement}): refused with {status} {redirect}");
            }
            else if (!allowed && isApi && (status != 403 || response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
            {
                failures.Add($"{role} {method} {path} ({requirement}): expected 403 problem+json, got {status} {response.Content.Headers.ContentType}");
            }
            else if (!allowed && !isApi && !(checkedInPage ? status == 403 : redirect?.StartsWith("/account/access-denied", StringComparison.Ordinal) == true))
            {
                failures.Add($"{role} {method} {path} ({requirement}): expected {(checkedInPage ? "403" : "a redirect to /account/access-denied")}, got {status} {redirect}");
            }
        }

        output.WriteLine($"{role}: {calls} calls");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private IEnumerable<RouteEndpoint> RouteEndpoints() =>
        fixture.Services.GetRequiredService<EndpointDataSource>().Endpoints.Cast<RouteEndpoint>();

    internal static bool IsStaticAsset(Endpoint endpoint) => endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null;

    private static IReadOnlyList<string> MethodsOf(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];

    public static string KeyOf(RouteEndpoint endpoint) => $"{string.Join(",", MethodsOf(endpoint))} {endpoint.RoutePattern.RawText}";

    /// <summary>What the authorization middleware will demand: [AllowAnonymous] wins, no policy means the fallback (signed in).</summary>
    public static string RequirementOf(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return AccessMatrix.Anonymous;
        }

        var data = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
        Assert.DoesNotContain(data, d => !string.IsNullOrEmpty(d.Roles));   // roles are named through policies only
        var policies = data.Select(d => d.Policy).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return policies.Count == 0 ? AccessMatrix.SignedIn : string.Join("+", policies);
    }

    /// <summary>One request per endpoint: its first method, the route filled with placeholders that satisfy its constraints.</summary>
    internal static (string Method, string Path, bool IsApi) RequestFor(RouteEndpoint endpoint)
    {
        var methods = MethodsOf(endpoint);
        var method = methods.Contains("GET") || methods[0] == "*" ? "GET" : methods[0];
        var path = new StringBuilder();
        foreach (var segment in endpoint.RoutePattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Placeholder(parameter),
                    _ => throw new InvalidOperationException(part.ToString()),
                });
            }
        }

        var text = path.Length == 0 ? "/" : path.ToString();
        var isApi = ApiPaths.IsApi(new PathString(text)) || endpoint.Metadata.GetMetadata<ApiNegotiationMetadata>() is not null;
        return (method, text, isApi);
    }

    private static string Placeholder(RoutePatternParameterPart parameter)
    {
        var name = parameter.Name.ToLowerInvariant();
        if (parameter.ParameterPolicies.Any(p => p.Content is "int" or "long"))
        {
            return name == "code" ? "404" : "999999";
        }

        return name switch
        {
            "country_id" or "country" => "us",
            "documentname" => "v1",
            "version" => "0.0.0",
            _ => "x",
        };
    }

    /// <summary>
    /// API bodies are an empty JSON object in the content type the endpoint accepts (another type
    /// would be routed past it, e.g. to a 404 fallback, and test nothing).
    /// </summary>
    internal static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, bool isApi, Endpoint endpoint)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH" or "DELETE" && isApi)
        {
            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [];
            var contentType = accepts.Count > 0 ? accepts[0] : "application/json";
            request.Content = new StringContent("{}", Encoding.UTF8, contentType);
        }

        return client.SendAsync(request);
    }
}
