using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.Reports;
using Portal.Core.Identity;

namespace Portal.Api;

public sealed record LegacyDataBody(JsonNode? Data, string? Label = null);

public sealed record LegacySimulationBody(string? PopulationId, string? PopulationType, long? PolicyId);

/// <param name="Year">A year as text (legacy) or a number.</param>
public sealed record LegacyReportBody(
    [property: JsonPropertyName("simulation_1_id")] long? Simulation1Id = null,
    [property: JsonPropertyName("simulation_2_id")] long? Simulation2Id = null,
    JsonNode? Year = null,
    string? Bundle = null,
    string? Version = null,
    string? Dataset = null,
    string? Target = null);

/// <summary>
/// PolicyEngine's legacy report API on its own paths (<c>/{country_id}/policy</c>, <c>/household</c>,
/// <c>/simulation</c>, <c>/report</c>, <c>/report/{id}</c>, <c>/report/{id}/rerun</c>,
/// <c>/economy/{reform}/over/{baseline}</c>), <c>{country_id}</c> constrained to us|uk so the routes
/// never shadow pages. Answers use the legacy envelope <c>{status, message, result}</c>; failures
/// are RFC 7807 problem details. Creating needs CanRun; reading any signed-in user or token. The
/// list and the full report detail are under <c>/api/v2/reports</c>.
/// </summary>
public static class ReportsApi
{
    public static void MapReportsApi(this IEndpointRouteBuilder app)
    {
        var legacy = app.MapGroup("/{country_id:" + ReportCountries.RouteConstraint + "}")
            .WithTags("Reports (legacy)").RequireAuthorization().RequireCsrfProtectionForCookies();

        legacy.MapPost("/policy", async (string country_id, LegacyDataBody body, HttpContext http, CreateLegacyPolicyHandler handler, CancellationToken ct) =>
                Created(await handler.HandleAsync(new CreateLegacyPolicyRequest(country_id, body.Data, body.Label), http.User.ToActor(), ct), "Policy"))
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("Create a policy, or return the existing one with the same canonical changes");

        legacy.MapPost("/household", async (string country_id, LegacyDataBody body, HttpContext http, CreateLegacyHouseholdHandler handler, CancellationToken ct) =>
                Created(await handler.HandleAsync(new CreateLegacyHouseholdRequest(country_id, body.Data, body.Label), http.User.ToActor(), ct), "Household"))
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("Store a household situation, or return the identical one");

        legacy.MapPost("/simulation", async (string country_id, LegacySimulationBody body, HttpContext http, CreateReportSimulationHandler handler, CancellationToken ct) =>
                Created(await handler.HandleAsync(new CreateReportSimulationRequest(country_id, body.PopulationId, body.PopulationType, body.PolicyId), http.User.ToActor(), ct), "Simulation"))
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("A population under a policy, reused by (country, population, type, policy)");

        legacy.MapPost("/report", async (string country_id, LegacyReportBody body, HttpContext http, CreateReportHandler handler, CancellationToken ct) =>
            {
                var year = body.Year switch
                {
                    null => null,
                    JsonValue v when v.TryGetValue<string>(out var s) => s,
                    JsonValue v when v.TryGetValue<int>(out var i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => "invalid",
                };
                var request = new CreateReportRequest(country_id, body.Simulation1Id, body.Simulation2Id, year, body.Bundle, body.Version, body.Dataset, body.Target);
                return Created(await handler.HandleAsync(request, http.User.ToActor(), ct), "Report");
            })
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("Create a report and queue its computation, or return the report with the same simulations, year, cache version and options");

        legacy.MapGet("/report/{report_id:long}", async (string country_id, long report_id, GetReportHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(country_id, report_id, ct);
                return result.Succeeded ? Envelope(result.Value!.Report) : (IResult)result.Problem!.ToHttp();
            })
            .WithSummary("A report row: status, output (economy comparison or households), year, bundle");

        legacy.MapGet("/report/{report_id:long}/rerun", async (string country_id, long report_id, HttpContext http, PlanRerunHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(country_id, report_id, http.User.ToActor(), ct);
                return result.Succeeded ? Envelope(result.Value!) : (IResult)result.Problem!.ToHttp();
            })
            // The plan is only for those who may rerun (the handler checks the same): refuse before any lookup.
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("What a rerun would reset: the report, its simulations, the cache rows, and other reports sharing the simulations");

        legacy.MapPost("/report/{report_id:long}/rerun", async (string country_id, long report_id, HttpContext http, RerunReportHandler handler,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(new RerunReportRequest(country_id, report_id, idempotencyKey), http.User.ToActor(), ct);
                if (!result.Succeeded)
                {
                    return (IResult)result.Problem!.ToHttp();
                }

                if (result.Value!.Replayed)
                {
                    http.Response.Headers["Idempotent-Replayed"] = "true";
                }

                return Envelope(result.Value.Result, "Report rerun queued");
            })
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("Reset the report and its simulations, drop its economy cache rows and queue the recomputation (409 while computing)");

        legacy.MapGet("/economy/{reform_policy_id:long}/over/{baseline_policy_id:long}", async (
                string country_id, long reform_policy_id, long baseline_policy_id, HttpContext http, GetEconomyHandler handler, CancellationToken ct,
                string? region, [FromQuery(Name = "time_period")] string? timePeriod, string? dataset, string? version, string? bundle, string? target) =>
            {
                var request = new GetEconomyRequest(country_id, reform_policy_id, baseline_policy_id, region, timePeriod, dataset, version, bundle, target);
                var result = await handler.HandleAsync(request, http.User.ToActor(), ct);
                return result.Succeeded ? TypedResults.Ok(result.Value!) : (IResult)result.Problem!.ToHttp();
            })
            .WithSummary("The economy comparison of two policies: computing, ok (with the result) or error");

        var v2 = app.MapGroup("/api/v2/reports").WithTags("Reports").RequireAuthorization();

        v2.MapGet("/", async (HttpContext http, ListReportsHandler handler, CancellationToken ct, string? country, string? type, string? status, string? owner, string? year,
                int? page, [FromQuery(Name = "page_size")] int? pageSize) =>
                TypedResults.Ok(await handler.HandleAsync(new ListReportsRequest(country, type, status, owner, year, page, pageSize), http.User.ToActor(), ct)))
            .WithSummary("Reports, newest first (filters: country, type, status, owner (a user id or 'me'), year)");

        v2.MapGet("/{country_id}/{report_id:long}", async (string country_id, long report_id, GetReportHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(country_id, report_id, ct)).ToHttp())
            .WithSummary("Everything about a report: simulations, policies, household, bundle, current job, reports sharing its simulations");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<LegacyEnvelope<T>> Envelope<T>(T value, string? message = null) => TypedResults.Ok(new LegacyEnvelope<T>("ok", message, value));

    /// <summary>Legacy create semantics: 201 for a new row, 200 when an existing one is reused.</summary>
    private static IResult Created<T>(Result<Reused<T>> result, string what)
    {
        if (!result.Succeeded)
        {
            return result.Problem!.ToHttp();
        }

        var reused = result.Value!;
        var envelope = new LegacyEnvelope<T>("ok", reused.Created ? $"{what} created" : $"{what} already exists", reused.Value);
        return reused.Created ? TypedResults.Json(envelope, statusCode: StatusCodes.Status201Created) : TypedResults.Ok(envelope);
    }
}
