using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Portal.Core.Features.DataReleases;

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

    /// <summary>Room for the form fields and multipart boundaries around the file in the page's import form.</summary>
    public const long MultipartOverheadBytes = 1 << 20;

    public static async Task ApplyAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        var maxBytes = MaxBodyBytesFor(context);
        if (request.ContentLength > maxBytes)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is {request.ContentLength} bytes; the limit is {maxBytes} bytes.");
            return;
        }

        // Chunked bodies: Kestrel stops reading at the limit and throws a 413 the exception handler answers.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        if (request.ContentType is { } contentType && !IsReadable(contentType))
        {
            await RejectAsync(context, StatusCodes.Status415UnsupportedMediaType, "The Content-Type header cannot be parsed or names an unknown charset.");
            return;
        }

        await next();
    }

    /// <summary>
    /// The one narrow exception to <see cref="MaxBodyBytes"/>: an HDF5 import carries a whole microdata
    /// file, up to <c>Data:MaxImportBytes</c> (default 1 GiB). It applies only to POST on exactly the two
    /// import routes (the API's <c>/api/v2/data-releases/{country}/{version}/import</c> and the data page's
    /// <c>/data/import</c> form target), matched here because this guard runs before routing; the import
    /// handler counts the bytes again while it streams them to disk.
    /// </summary>
    public static long MaxBodyBytesFor(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            return MaxBodyBytes;
        }

        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var apiImport = segments.Length == 6 && Is(segments[0], "api") && Is(segments[1], "v2") && Is(segments[2], "data-releases") && Is(segments[5], "import");
        var formImport = segments.Length == 2 && Is(segments[0], "data") && Is(segments[1], "import");
        if (!apiImport && !formImport)
        {
            return MaxBodyBytes;
        }

        var importLimit = context.RequestServices.GetRequiredService<IOptions<DataImportOptions>>().Value.MaxImportBytes;
        return formImport ? importLimit + MultipartOverheadBytes : importLimit;

        static bool Is(string segment, string literal) => string.Equals(segment, literal, StringComparison.OrdinalIgnoreCase);
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
