using Microsoft.AspNetCore.Mvc;

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
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
        });
    }
}
