using System.Text;
using Microsoft.Net.Http.Headers;

namespace Portal.Hosting;

/// <summary>
/// Checks on the raw request before any endpoint binds it (docs/security.md, "Hostile input"):
/// a body over <see cref="MaxBodyBytes"/> is 413, a Content-Type that cannot be parsed or names an
/// unknown charset is 415, both as problem details. Without them the JSON binder throws on an unknown
/// charset (a 500) and a body is only bounded by Kestrel's 30 MB default.
/// </summary>
public static class RequestGuards
{
    /// <summary>Generous for every body Portal accepts (specs, templates and gateway requests are capped at 256 KiB by their handlers).</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    public static async Task ApplyAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is {request.ContentLength} bytes; the limit is {MaxBodyBytes} bytes.");
            return;
        }

        // Chunked bodies: Kestrel stops reading at the limit and throws a 413 the exception handler answers.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (request.ContentType is { } contentType && !IsReadable(contentType))
        {
            await RejectAsync(context, StatusCodes.Status415UnsupportedMediaType, "The Content-Type header cannot be parsed or names an unknown charset.");
            return;
        }

        await next();
    }

    private static bool IsReadable(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        if (!parsed.Charset.HasValue)
        {
            return true;
        }

        try
        {
            _ = Encoding.GetEncoding(parsed.Charset.Value!.Trim('"'));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>API callers get problem+json; pages get the status page the status-code middleware renders.</summary>
    private static Task RejectAsync(HttpContext context, int status, string detail)
    {
        if (ApiPaths.IsApi(context.Request))
        {
            return ProblemResponses.WriteAsync(context, status, detail);
        }

        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
