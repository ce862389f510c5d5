using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Portal.Api;
using Portal.Components;
using Portal.Core.Features.Setup;

namespace Portal.Hosting;

public static class PortalPipeline
{
    public static void UsePortalPipeline(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = HandleExceptionAsync,
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,

            // A malformed request is the client's error, answered with a 4xx: not an error in the server log.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
        });
        app.Use(SecurityHeaders.ApplyAsync);

        // Empty error responses get a body: problem+json for API routes, a page for people.
        app.UseWhen(c => ApiPaths.IsApi(c.Request), api => api.UseStatusCodePages(context =>
            ProblemResponses.WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode)));
        app.UseWhen(c => !ApiPaths.IsApi(c.Request), ui => ui.UseStatusCodePagesWithReExecute("/status/{0}"));
        app.Use(RequestGuards.ApplyAsync);

        // Setup exists only while no user does: answer 404 for every method before any form
        // handling runs, so a late POST cannot even reach the page.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/setup", StringComparison.OrdinalIgnoreCase), setup => setup.Use(async (context, next) =>
        {
            if (!await context.RequestServices.GetRequiredService<SetupState>().IsRequiredAsync(context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next();
        }));

        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.Use(FlashMessages.DeliverAsync);

        app.UseWhen(c => c.Request.Path.StartsWithSegments("/docs"), docs =>
        {
            docs.Use(async (context, next) =>
            {
                if (context.User.Identity?.IsAuthenticated != true)
                {
                    await context.ChallengeAsync();
                    return;
                }

                await next();
            });
            docs.UseSwaggerUI(options =>
            {
                options.RoutePrefix = "docs";
                options.DocumentTitle = "Portal API";
                options.SwaggerEndpoint("/openapi/v1.json", "Portal API v1");
            });
        });
    }

    public static void MapPortalEndpoints(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync })
            .AllowAnonymous()
            .WithTags("Operations");
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync })
            .AllowAnonymous()
            .WithTags("Operations");
        app.MapOpenApi("/openapi/{documentName}.json");

        app.MapAccountApi();
        app.MapAdminApi();
        app.MapDataApi();
        app.MapBundlesApi();
        app.MapCalculatorApi();
        app.MapAliasesApi();
        app.MapV2Api();
        app.MapGatewayApi();
        app.MapReportsApi();
        app.MapPublishingApi();
        app.MapTemplatesApi();
        app.MapRunsApi();
        app.MapApiFallbacks();
        app.MapUiEndpoints();
        app.MapSimulationPageEndpoints();
        app.MapPublishingPageEndpoints();
        app.MapReportPageEndpoints();
        app.MapRunPageEndpoints();
        app.MapDataPageEndpoints();

        app.MapRazorComponents<App>();
    }

    private static async Task HandleExceptionAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is BadHttpRequestException bad)
        {
            var detail = bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
            await ProblemResponses.WriteAsync(context, bad.StatusCode, detail);
            return;
        }

        if (ApiPaths.IsApi(context.Request))
        {
            await ProblemResponses.WriteAsync(context, StatusCodes.Status500InternalServerError,
                "An unexpected error occurred. The trace id identifies it in the server logs.");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(ErrorPage.Render(context.TraceIdentifier));
    }
}

/// <summary>A self-contained page for unexpected errors: rendering Razor here could fail the same way.</summary>
internal static class ErrorPage
{
    public static string Render(string traceId) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Something went wrong · Portal</title><link rel="stylesheet" href="/lib/bootstrap/css/bootstrap.min.css"></head>
        <body class="bg-body-tertiary"><main class="container py-5">
        <h1 class="h3">Something went wrong</h1>
        <p>Portal could not complete this request. Nothing you did caused this; please try again.</p>
        <p class="text-body-secondary small">If it keeps happening, give an administrator this reference: <code>{{System.Net.WebUtility.HtmlEncode(traceId)}}</code></p>
        <p><a class="btn btn-primary" href="/">Back to the dashboard</a></p>
        </main></body></html>
        """;
}
