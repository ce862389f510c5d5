namespace Portal.Hosting;

/// <summary>
/// Which request paths are API routes: they authenticate with bearer tokens (or the session
/// cookie), answer errors with problem+json and never redirect to the sign-in page.
/// Country routes (<c>/us/…</c>, <c>/uk/…</c>) follow the legacy PolicyEngine layout.
/// </summary>
public static class ApiPaths
{
    public static IReadOnlyList<string> Countries { get; } = ["us", "uk"];

    private static readonly string[] Prefixes = ["/api", "/simulate", "/jobs", "/budget-window-jobs", "/v1", "/compare.json", "/compare.md", "/openapi", "/versions", "/deployment", .. Countries.Select(c => "/" + c)];

    public static bool IsApi(PathString path) =>
        Prefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
        || IsAliasResource(path);

    /// <summary><c>/aliases</c> itself is the page; <c>/aliases/{country}/…</c> are API resources only.</summary>
    private static bool IsAliasResource(PathString path) =>
        path.StartsWithSegments("/aliases", StringComparison.OrdinalIgnoreCase, out var rest) && rest.HasValue && rest.Value != "/";

    /// <summary>Paths shared by pages and API endpoints (<see cref="ApiNegotiation"/>): an API request there is one the negotiation gives to the API.</summary>
    public static IReadOnlyList<string> NegotiatedPrefixes { get; } = ["/bundles", "/aliases"];

    public static bool IsApi(HttpRequest request)
    {
        if (IsApi(request.Path))
        {
            return true;
        }

        // After routing the chosen endpoint decides; before it (status pages), the same rule the matcher applies.
        if (request.HttpContext.GetEndpoint() is { } endpoint)
        {
            return endpoint.Metadata.GetMetadata<ApiNegotiationMetadata>() is not null;
        }

        return NegotiatedPrefixes.Any(prefix => request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) && ApiNegotiation.PrefersApi(request);
    }
}
