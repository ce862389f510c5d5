using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Hosting;

/// <summary>Writes RFC 7807 problem details outside of endpoint code (auth challenges, status pages, exceptions).</summary>
public static class ProblemResponses
{
    public static async Task WriteAsync(HttpContext context, int status, string? detail = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            // The framework's default titles skip some statuses (413, 429, 431); the reason phrase fills them.
            ProblemDetails = new ProblemDetails { Status = status, Title = status != StatusCodes.Status500InternalServerError && ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } reason ? reason : null, Detail = detail },
        });
    }
}
