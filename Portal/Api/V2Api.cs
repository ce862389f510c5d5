using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.Aggregates;
using Portal.Core.Features.Policies;
using Portal.Core.Features.V2;
using Portal.Core.Identity;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Portal.Api;

public sealed record CreatePolicyBody(string? Country = null, string? Name = null, JsonNode? Parameters = null, string? Description = null);

/// <summary>
/// The v2 resources (docs/api-v2.md): policies, simulations of one policy over a bundle, and
/// weighted aggregates of completed simulations. Reading needs a signed-in user; creating needs CanRun.
/// </summary>
public static class V2Api
{
    public static void MapV2Api(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v2").WithTags("v2 resources").RequireAuthorization().RequireCsrfProtectionForCookies();
        MapPolicies(api);
        MapSimulations(api);
        MapAggregates(api);
    }

    private static void MapPolicies(RouteGroupBuilder api)
    {
        api.MapPost("/policies", async Task<Results<Created<PolicyView>, Ok<PolicyView>, ProblemHttpResult>> (
                CreatePolicyBody body, HttpContext http, CreatePolicyHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(new CreatePolicyRequest(body.Country, body.Name, body.Description, body.Parameters), http.User.ToActor(), ct);
                if (!result.Succeeded)
                {
                    return result.Problem!.ToHttp();
                }

                var (policy, created) = result.Value!;
                return created ? TypedResults.Created(policy.Url, policy) : TypedResults.Ok(policy);
            })
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("Create a policy (201), or get the existing one with the same canonical changes (200)");

        api.MapGet("/policies", async (string? country, int? page, [FromQuery(Name = "page_size")] int? pageSize, ListPoliciesHandler handler, CancellationToken ct) =>
                TypedResults.Ok(await handler.HandleAsync(country, page, pageSize, ct)))
            .WithSummary("Policies, newest first");

        api.MapGet("/policies/{id}", async Task<Results<Ok<PolicyView>, ProblemHttpResult>> (string id, GetPolicyHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(id, ct)).ToHttp())
            .WithSummary("One policy");
    }

    private static void MapSimulations(RouteGroupBuilder api)
    {
        api.MapPost("/simulations", async Task<Results<Created<SimulationView>, Ok<SimulationView>, ProblemHttpResult>> (
                SubmitSimulationRequest body, HttpContext http, SubmitSimulationHandler handler, CancellationToken ct) =>
            {
                var result = await handler.HandleAsync(body, http.User.ToActor(), ct);
                if (!result.Succeeded)
                {
                    return result.Problem!.ToHttp();
                }

                var (simulation, created) = result.Value!;
                return created ? TypedResults.Created(simulation.Url, simulation) : TypedResults.Ok(simulation);
            })
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("Queue a simulation of a policy over a bundle (201), or get the identical one already queued or done (200)");

        api.MapGet("/simulations", async Task<Results<Ok<Page<SimulationView>>, ProblemHttpResult>> (
                string? country, string? status, int? page, [FromQuery(Name = "page_size")] int? pageSize, ListSimulationsHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(country, status, page, pageSize, ct)).ToHttp())
            .WithSummary("v2 simulations, newest first (status: pending, running, completed, failed)");

        api.MapGet("/simulations/{id}", async Task<Results<Ok<SimulationView>, ProblemHttpResult>> (string id, GetSimulationHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(id, ct)).ToHttp())
            .WithSummary("A simulation's status, resolved bundle and, once completed, its summary");
    }

    private static void MapAggregates(RouteGroupBuilder api)
    {
        api.MapPost("/aggregates", async Task<Results<Created<AggregateView>, Created<IReadOnlyList<AggregateView>>, ProblemHttpResult>> (
                JsonElement body, HttpContext http, IOptions<HttpJsonOptions> json, CreateAggregatesHandler handler, CancellationToken ct) =>
            {
                var read = ReadOneOrMany<AggregateRequest>(body, json.Value.SerializerOptions);
                var result = read.Succeeded ? await handler.HandleAsync(read.Value!.Items, http.User.ToActor(), ct) : read.Problem!;
                return !result.Succeeded ? result.Problem!.ToHttp()
                    : read.Value!.Single ? TypedResults.Created($"/api/v2/aggregates/{result.Value![0].Id}", result.Value[0])
                    : TypedResults.Created("/api/v2/aggregates", result.Value!);
            })
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("Compute and store weighted aggregates of completed simulations (one object, or a list of up to 100)");

        api.MapGet("/aggregates", async ([FromQuery(Name = "simulation_id")] string? simulationId, int? page, [FromQuery(Name = "page_size")] int? pageSize,
                ListAggregatesHandler handler, CancellationToken ct) => TypedResults.Ok(await handler.HandleAsync(simulationId, page, pageSize, ct)))
            .WithSummary("Aggregates, newest first");

        api.MapGet("/aggregates/{id}", async Task<Results<Ok<AggregateView>, ProblemHttpResult>> (string id, GetAggregateHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(id, ct)).ToHttp())
            .WithSummary("One aggregate");

        api.MapPost("/change-aggregates", async Task<Results<Created<ChangeAggregateView>, Created<IReadOnlyList<ChangeAggregateView>>, ProblemHttpResult>> (
                JsonElement body, HttpContext http, IOptions<HttpJsonOptions> json, CreateChangeAggregatesHandler handler, CancellationToken ct) =>
            {
                var read = ReadOneOrMany<ChangeAggregateRequest>(body, json.Value.SerializerOptions);
                var result = read.Succeeded ? await handler.HandleAsync(read.Value!.Items, http.User.ToActor(), ct) : read.Problem!;
                return !result.Succeeded ? result.Problem!.ToHttp()
                    : read.Value!.Single ? TypedResults.Created($"/api/v2/change-aggregates/{result.Value![0].Id}", result.Value[0])
                    : TypedResults.Created("/api/v2/change-aggregates", result.Value!);
            })
            .RequireAuthorization(PortalPolicies.CanRun)
            .WithSummary("Compute and store weighted statistics of reform − baseline between two completed simulations");

        api.MapGet("/change-aggregates", async ([FromQuery(Name = "simulation_id")] string? simulationId, int? page, [FromQuery(Name = "page_size")] int? pageSize,
                ListChangeAggregatesHandler handler, CancellationToken ct) => TypedResults.Ok(await handler.HandleAsync(simulationId, page, pageSize, ct)))
            .WithSummary("Change aggregates, newest first (simulation_id matches baseline or reform)");

        api.MapGet("/change-aggregates/{id}", async Task<Results<Ok<ChangeAggregateView>, ProblemHttpResult>> (string id, GetChangeAggregateHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(id, ct)).ToHttp())
            .WithSummary("One change aggregate");
    }

    private sealed record OneOrMany<T>(IReadOnlyList<T> Items, bool Single);

    /// <summary>A body that is one object or a list of them, read with the API's JSON rules (snake_case, unknown fields rejected).</summary>
    private static Result<OneOrMany<T>> ReadOneOrMany<T>(JsonElement body, JsonSerializerOptions options)
    {
        try
        {
            return body.ValueKind switch
            {
                JsonValueKind.Object => new OneOrMany<T>([body.Deserialize<T>(options)!], true),
                JsonValueKind.Array => new OneOrMany<T>(body.Deserialize<List<T>>(options)!, false),
                _ => Problem.Invalid("body", "Send one object or a list of objects."),
            };
        }
        catch (JsonException e)
        {
            return Problem.Invalid("body", e.Message);
        }
    }
}
