using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Net.Http.Headers;

namespace Portal.Api;

/// <summary>
/// The answer of the API prefixes' fallback. A fallback is a route candidate for every path under
/// its prefix, so routing never gets to say 405 (wrong method) or 415 (wrong Content-Type) for a
/// real route: the fallback won and said 404. This looks at the real routes of the path instead:
/// none → 404; none with this method → 405 with <c>Allow</c>; none accepting this body → 415
/// naming the accepted types.
/// </summary>
public sealed class ApiFallback(EndpointDataSource endpoints)
{
    private IReadOnlyList<(TemplateMatcher Matcher, RouteEndpoint Endpoint)>? routes;

    public IResult Answer(HttpContext http)
    {
        var path = http.Request.Path;
        var matching = Routes().Where(r => r.Matcher.TryMatch(path, [])).Select(r => r.Endpoint).ToList();
        if (matching.Count == 0)
        {
            return NotFound();
        }

        var method = http.Request.Method;
        var methods = matching.SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var forMethod = matching.Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase) ?? true).ToList();
        if (forMethod.Count == 0)
        {
            http.Response.Headers.Allow = string.Join(", ", methods.Order(StringComparer.Ordinal));
            return TypedResults.Problem(statusCode: StatusCodes.Status405MethodNotAllowed,
                detail: $"{method} is not supported here; this path takes {string.Join(", ", methods.Order(StringComparer.Ordinal))}.");
        }

        var accepted = forMethod.SelectMany(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (accepted.Count > 0 && !Accepts(http.Request.ContentType, accepted))
        {
            var sent = string.IsNullOrEmpty(http.Request.ContentType) ? "no Content-Type" : $"Content-Type '{http.Request.ContentType}'";
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: $"This endpoint does not take {sent}; send one of: {string.Join(", ", accepted)}.");
        }

        return NotFound();
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No API route matches this path.");

    private static bool Accepts(string? contentType, IReadOnlyList<string> accepted) =>
        MediaTypeHeaderValue.TryParse(contentType, out var sent)
        && accepted.Any(a => MediaTypeHeaderValue.TryParse(a, out var type) && sent.IsSubsetOf(type));

    // Built on first use: by then every endpoint is mapped. Fallbacks (order int.MaxValue) are not real routes.
    private IReadOnlyList<(TemplateMatcher Matcher, RouteEndpoint Endpoint)> Routes() => routes ??= endpoints.Endpoints
        .OfType<RouteEndpoint>()
        .Where(e => e.Order != int.MaxValue && e.RoutePattern.RawText is not null)
        .Select(e => (new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!), []), e))
        .ToList();
}
