using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;

namespace Portal.Hosting;

/// <summary>Marks an API endpoint that shares its path with a page (e.g. <c>/bundles</c>): content negotiation picks one per request.</summary>
public sealed class ApiNegotiationMetadata
{
    public static ApiNegotiationMetadata Instance { get; } = new();

    private ApiNegotiationMetadata()
    {
    }
}

public static class ApiNegotiation
{
    /// <summary>Serve this API endpoint from the same path as a page, chosen by <see cref="PrefersApi"/>.</summary>
    public static TBuilder WithApiNegotiation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ApiNegotiationMetadata.Instance);

    public static void AddApiNegotiation(this IServiceCollection services) =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, ApiOrPageMatcherPolicy>());

    /// <summary>
    /// A request is for the API when it carries a JSON body, or reads (GET/HEAD) without asking for
    /// HTML: curl (<c>*/*</c>) and HTTP clients get JSON, browsers (<c>text/html,…</c>) and HTML forms get the page.
    /// </summary>
    public static bool PrefersApi(HttpRequest request)
    {
        if (IsJson(request.ContentType))
        {
            return true;
        }

        return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && !AcceptsHtml(request);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static bool AcceptsHtml(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && a.Quality is not 0.0);
}

/// <summary>
/// When an API endpoint marked with <see cref="ApiNegotiationMetadata"/> and a Razor page match the
/// same request, invalidates the one <see cref="ApiNegotiation.PrefersApi"/> does not choose, so
/// routing never sees an ambiguity. Requests matching only one of them are left alone.
/// </summary>
public sealed class ApiOrPageMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the built-in policies (HTTP method, host, …) have narrowed the candidates.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(IsNegotiatedApi) && endpoints.Any(IsPage);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        bool api = false, page = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i))
            {
                api |= IsNegotiatedApi(candidates[i].Endpoint);
                page |= IsPage(candidates[i].Endpoint);
            }
        }

        if (api && page)
        {
            var keepApi = ApiNegotiation.PrefersApi(httpContext.Request);
            for (var i = 0; i < candidates.Count; i++)
            {
                var endpoint = candidates[i].Endpoint;
                if (candidates.IsValidCandidate(i) && (keepApi ? IsPage(endpoint) : IsNegotiatedApi(endpoint)))
                {
                    candidates.SetValidity(i, false);
                }
            }
        }

        return Task.CompletedTask;
    }

    private static bool IsNegotiatedApi(Endpoint endpoint) => endpoint.Metadata.GetMetadata<ApiNegotiationMetadata>() is not null;

    private static bool IsPage(Endpoint endpoint) => endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null;
}
