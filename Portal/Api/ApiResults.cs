using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Common;

namespace Portal.Api;

public static class ApiResults
{
    /// <summary>A use-case problem as RFC 7807 problem details; validation problems carry per-field <c>errors</c>.</summary>
    public static ProblemHttpResult ToHttp(this Problem problem)
    {
        var status = problem.Kind switch
        {
            ProblemKind.Validation => StatusCodes.Status400BadRequest,
            ProblemKind.NotFound => StatusCodes.Status404NotFound,
            ProblemKind.Conflict => StatusCodes.Status409Conflict,
            ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
            ProblemKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
            ProblemKind.PreconditionRequired => StatusCodes.Status428PreconditionRequired,
            ProblemKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
            _ => StatusCodes.Status400BadRequest,
        };
        var details = new ProblemDetails { Status = status, Title = problem.Title, Detail = problem.Detail };
        if (problem.Errors is { Count: > 0 })
        {
            details.Extensions["errors"] = problem.Errors;
        }

        foreach (var (key, value) in problem.Extensions ?? new Dictionary<string, object?>())
        {
            details.Extensions[key] = value;
        }

        return TypedResults.Problem(details);
    }

    /// <summary>200 with the value, or the problem.</summary>
    public static Results<Ok<T>, ProblemHttpResult> ToHttp<T>(this Result<T> result) =>
        result.Succeeded ? TypedResults.Ok(result.Value!) : result.Problem!.ToHttp();

    /// <summary>201 with the value at the location <paramref name="location"/> builds from it, or the problem.</summary>
    public static Results<Created<T>, ProblemHttpResult> ToCreated<T>(this Result<T> result, Func<T, string> location) =>
        result.Succeeded ? TypedResults.Created(location(result.Value!), result.Value) : result.Problem!.ToHttp();

    /// <summary>
    /// API calls authenticated by the session cookie (e.g. from the browser) must prove they come
    /// from a Portal page for unsafe methods; bearer-token calls are not exposed to CSRF.
    /// </summary>
    public static TBuilder RequireCsrfProtectionForCookies<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CookieCsrfProtection.Instance).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var unsafeMethod = !(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method));
            if (unsafeMethod && http.User.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme)
            {
                try
                {
                    await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
                }
                catch (AntiforgeryValidationException)
                {
                    return TypedResults.Problem(
                        "Cookie-authenticated API calls need the RequestVerificationToken header. Programs should use a bearer token instead.",
                        statusCode: StatusCodes.Status400BadRequest);
                }
            }

            return await next(context);
        });
}

/// <summary>
/// Endpoint metadata left by <see cref="ApiResults.RequireCsrfProtectionForCookies"/> (filters are
/// invisible in the endpoint data source), so the access-matrix test can prove that every unsafe
/// API route checks the antiforgery header for cookie callers.
/// </summary>
public sealed class CookieCsrfProtection
{
    public static readonly CookieCsrfProtection Instance = new();

    private CookieCsrfProtection()
    {
    }
}
