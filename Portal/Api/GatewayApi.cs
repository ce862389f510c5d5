using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.Simulations;
using Portal.Core.Identity;

namespace Portal.Api;

/// <summary>
/// The simulation gateway, on PolicyEngine's paths (<c>/simulate/economy/…</c>, <c>/jobs/{id}</c>,
/// <c>/budget-window-jobs/{id}</c>) and again under <c>/api/v2</c>. Submitting needs CanRun;
/// polling any signed-in user or token. Bodies are read by hand so that schema problems (unknown
/// fields, wrong types, malformed JSON, over 256 KiB) are 422 like PolicyEngine's, while resolution
/// problems (versions, bundles, policies) are 400.
/// </summary>
public static class GatewayApi
{
    public static void MapGatewayApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "", "/api/v2" })
        {
            var api = app.MapGroup(prefix).WithTags("Simulation gateway").RequireAuthorization().RequireCsrfProtectionForCookies();

            api.MapPost("/simulate/economy/comparison", async (HttpContext http, SubmitEconomyComparisonHandler handler, CancellationToken ct) =>
                {
                    var (request, invalid) = await ReadAsync(http, GatewayRequest.ParseComparison, ct);
                    return request is null ? invalid! : Submitted(await handler.HandleAsync(request, http.User.ToActor(), ct), budgetWindow: false);
                })
                .RequireAuthorization(PortalPolicies.CanRun)
                .Accepts<JsonObject>("application/json")
                .WithSummary("Queue an economy comparison on a bundle (or return the job that already has this cache key)");

            api.MapPost("/simulate/economy/budget-window", async (HttpContext http, SubmitBudgetWindowHandler handler, CancellationToken ct) =>
                {
                    var (request, invalid) = await ReadAsync(http, GatewayRequest.ParseBudgetWindow, ct);
                    return request is null ? invalid! : Submitted(await handler.HandleAsync(request, http.User.ToActor(), ct), budgetWindow: true);
                })
                .RequireAuthorization(PortalPolicies.CanRun)
                .Accepts<JsonObject>("application/json")
                .WithSummary("Queue a budget window: one parent job with a year job per year");

            api.MapGet("/jobs/{job_id}", async (string job_id, GetSimulationJobHandler handler, CancellationToken ct) =>
                {
                    var result = await handler.PollAsync(job_id, ct);
                    return result.Succeeded ? new JobStatusResult(result.Value!.Job, result.Value.ResultUtf8) : (IResult)result.Problem!.ToHttp();
                })
                .WithSummary("Poll a job: 202 while submitted or running, 200 when complete (with result) or failed (with error)");

            api.MapGet("/budget-window-jobs/{job_id}", async (string job_id, GetSimulationJobHandler handler, CancellationToken ct) =>
                {
                    var result = await handler.PollAsync(job_id, ct);
                    return result.Succeeded && result.Value!.Job.Kind == SimulationJobKinds.BudgetWindow
                        ? new JobStatusResult(result.Value.Job, result.Value.ResultUtf8)
                        : (IResult)(result.Problem ?? Problem.NotFound($"Budget-window job '{job_id}'")).ToHttp();
                })
                .WithSummary("Poll a budget window: per-year status, progress and, when complete, the aggregated impacts");
        }

        app.MapGet("/api/v2/jobs", async (ListSimulationJobsHandler handler, CancellationToken ct, string? country, string? status, string? bundle, string? kind, int? page,
                [FromQuery(Name = "page_size")] int? pageSize) =>
                TypedResults.Ok(await handler.HandleAsync(new ListSimulationJobsRequest(country, status, bundle, kind, page, pageSize), ct)))
            .RequireAuthorization()
            .WithTags("Simulation gateway")
            .WithSummary("Simulation jobs, newest first (filters: country, status, bundle, kind)");
    }

    /// <summary>The body, size-capped while reading, parsed strictly; or a 422 problem.</summary>
    private static async Task<(GatewayRequest? Request, IResult? Problem)> ReadAsync(
        HttpContext http, ParseBody parse, CancellationToken ct)
    {
        if (http.Request.ContentLength > GatewayRequest.MaxBytes)
        {
            return (null, Unprocessable(Core.Common.Problem.Invalid("$", $"The request body is {http.Request.ContentLength} bytes; the limit is {GatewayRequest.MaxBytes} bytes (256 KiB).")));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > GatewayRequest.MaxBytes)
            {
                return (null, Unprocessable(Core.Common.Problem.Invalid("$", $"The request body is over the limit of {GatewayRequest.MaxBytes} bytes (256 KiB).")));
            }
        }

        var parsed = parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return parsed.Succeeded ? (parsed.Value, null) : (null, Unprocessable(parsed.Problem!));
    }

    private delegate Result<GatewayRequest> ParseBody(ReadOnlySpan<byte> utf8);

    private static ProblemHttpResult Unprocessable(Problem problem)
    {
        var details = new ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Unprocessable request",
            Detail = problem.Describe(),
        };
        if (problem.Errors is { Count: > 0 })
        {
            details.Extensions["errors"] = problem.Errors;
        }

        return TypedResults.Problem(details);
    }

    private static IResult Submitted(Result<GatewaySubmission> result, bool budgetWindow)
    {
        if (!result.Succeeded)
        {
            var problem = result.Problem!;
            var http = problem.ToHttp();
            if (problem.Errors is { Count: > 0 } errors)
            {
                // Like the calculator: the first offending field or JSON path, for clients that show one.
                http.ProblemDetails.Extensions["path"] = errors.Keys.First();
            }

            return http;
        }

        var s = result.Value!;
        var job = s.Job;
        var pollUrl = (budgetWindow ? "/budget-window-jobs/" : "/jobs/") + job.JobId;
        var body = new JsonObject
        {
            ["job_id"] = job.JobId,
            ["status"] = job.Status,
            ["poll_url"] = pollUrl,
            ["country"] = job.Country,
            ["version"] = s.Bundle.ModelVersion,
            ["policyengine_bundle"] = s.Bundle.ToJson(),
            ["run_id"] = s.RunId,
            ["cache"] = s.Created ? "miss" : "hit",
        };
        if (budgetWindow)
        {
            body["batch_job_id"] = job.JobId;
        }

        return TypedResults.Json(body, statusCode: StatusCodes.Status200OK);
    }
}
