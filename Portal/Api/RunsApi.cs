using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.Runs;
using Portal.Core.Identity;

namespace Portal.Api;

/// <summary>
/// Engine: <c>POST /v1/run</c> (a spec YAML body, provenance in <c>X-Model-Provenance</c> or embedded),
/// the run registry <c>/v1/artifacts…</c>, replay, and run comparison exports (<c>/compare.json</c>,
/// <c>/compare.md</c>). The same routes are mapped under <c>/api/v2</c> (<c>/api/v2/run</c>,
/// <c>/api/v2/artifacts…</c>). Running and replaying need CanRun; comparing CanReview; reading the
/// registry any signed-in user or token. See docs/runs.md.
/// </summary>
public static class RunsApi
{
    public static void MapRunsApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/v1", "/api/v2" })
        {
            var api = app.MapGroup(prefix).WithTags("Runs").RequireAuthorization().RequireCsrfProtectionForCookies();

            api.MapPost("/run", async Task<IResult> (HttpContext http, StartRunHandler handler, CancellationToken ct) =>
                {
                    var body = await ReadBodyAsync(http, ct);
                    if (body is null)
                    {
                        return Problem.Invalid("$", $"The spec is over the limit of {StartRunHandler.MaxBytes} bytes.").ToHttp();
                    }

                    var header = http.Request.Headers[StartRunHandler.HeaderName].FirstOrDefault();
                    var result = await handler.HandleAsync(new StartRunRequest(body, header), http.User.ToActor(), ct);
                    return result.Succeeded ? Accepted(result.Value!) : result.Problem!.ToHttp();
                })
                .RequireAuthorization(PortalPolicies.CanRun)
                .Accepts<string>("application/yaml", "text/yaml", "text/plain")
                .WithSummary("Run a spec (YAML body; provenance in X-Model-Provenance or embedded). 202 with the run id; the registry row already exists.");

            api.MapGet("/artifacts", async Task<Results<Ok<RunList>, ProblemHttpResult>> (HttpContext http, ListRunsHandler handler, CancellationToken ct) =>
                {
                    var request = ReadListQuery(http.Request.Query, out var problem);
                    return request is null ? problem!.ToHttp() : (await handler.HandleAsync(request, ct)).ToHttp();
                })
                .WithSummary("The run registry: filters source, templateId (metadata.template_id), modelId, bundle, country, kind, status, createdAfter, createdBefore, search; paging limit/skip or page/pageSize; sortBy, sortOrder");

            api.MapGet("/artifacts/{run_id}", async Task<IResult> (string run_id, GetRunHandler handler, CancellationToken ct) =>
                {
                    var result = await handler.HandleAsync(run_id, ct);
                    return result.Succeeded ? TypedResults.Json(result.Value!.ToJson()) : result.Problem!.ToHttp();
                })
                .WithSummary("One run: status (live while it runs), provenance, spec, manifest with hashes, files, replay outcome");

            api.MapGet("/artifacts/{run_id}/files/{**name}", async Task<IResult> (string run_id, string name, GetRunFileHandler handler, CancellationToken ct) =>
                {
                    var result = await handler.HandleAsync(run_id, name, ct);
                    return result.Succeeded
                        ? TypedResults.Stream(result.Value!.Content, result.Value.ContentType, Path.GetFileName(result.Value.Name))
                        : result.Problem!.ToHttp();
                })
                .WithSummary("One file of a run, by a name its manifest lists (anything else is 404)");

            api.MapPost("/artifacts/{run_id}/replay", async Task<IResult> (string run_id, HttpContext http, ReplayRunHandler handler, CancellationToken ct) =>
                {
                    var result = await handler.HandleAsync(run_id, http.User.ToActor(), ct);
                    return result.Succeeded ? Accepted(result.Value!) : result.Problem!.ToHttp();
                })
                .RequireAuthorization(PortalPolicies.CanRun)
                .WithSummary("Re-execute a run from its stored spec on its recorded bundle; the new run reports identical or the changed outputs");
        }

        app.MapGet("/compare.json", async (HttpContext http, CompareRunsHandler handler, CancellationToken ct) =>
                await CompareAsync(http, handler, c => TypedResults.Json(c.ToJson()), ct))
            .RequireAuthorization(PortalPolicies.CanReview)
            .WithTags("Runs")
            .WithSummary("A run comparison as JSON (?runs=a,b[,c]; differences only unless all=true)");

        app.MapGet("/compare.md", async (HttpContext http, CompareRunsHandler handler, CancellationToken ct) =>
                await CompareAsync(http, handler, c => TypedResults.Text(c.ToMarkdown(), "text/markdown; charset=utf-8", Encoding.UTF8), ct))
            .RequireAuthorization(PortalPolicies.CanReview)
            .WithTags("Runs")
            .WithSummary("A run comparison as Markdown (?runs=a,b[,c]; differences only unless all=true)");
    }

    /// <summary>The comparison the query names: <c>runs=a,b</c> (or repeated <c>runs</c>), <c>all=true</c> for every row.</summary>
    public static CompareRunsRequest CompareQuery(IQueryCollection query)
    {
        var ids = query["runs"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var all = string.Equals(query["all"].FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase);
        return new CompareRunsRequest(ids, DifferencesOnly: !all);
    }

    private static async Task<IResult> CompareAsync(HttpContext http, CompareRunsHandler handler, Func<RunComparison, IResult> render, CancellationToken ct)
    {
        var result = await handler.HandleAsync(CompareQuery(http.Request.Query), http.User.ToActor(), ct);
        return result.Succeeded ? render(result.Value!) : result.Problem!.ToHttp();
    }

    private static JsonHttpResult<System.Text.Json.Nodes.JsonObject> Accepted(RunRecord run) =>
        TypedResults.Json(
            new System.Text.Json.Nodes.JsonObject
            {
                ["run_id"] = run.RunId,
                ["status"] = run.Status,
                ["job_id"] = run.JobId,
                ["replay_of"] = run.ReplayOf,
                ["bundle_id"] = run.BundleId,
                ["spec_sha256"] = run.SpecSha256,
                ["warnings"] = System.Text.Json.Nodes.JsonNode.Parse(run.WarningsJson),
                ["links"] = RunJson.Links(run.RunId, []),
            },
            statusCode: StatusCodes.Status202Accepted);

    /// <summary>The body as UTF-8 text, read with a cap; null when over the cap.</summary>
    private static async Task<string?> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength > StartRunHandler.MaxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > StartRunHandler.MaxBytes)
            {
                return null;
            }
        }

        return new UTF8Encoding(false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Registry filters from the query string, with the aliases clients use (<c>metadata.template_id</c>, snake_case forms).</summary>
    public static ListRunsRequest? ReadListQuery(IQueryCollection query, out Problem? problem)
    {
        problem = null;
        var errors = new Validation();
        string? Get(params string[] names) => names.Select(n => query[n].FirstOrDefault()).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        int? Int(string field, params string[] names)
        {
            var text = Get(names);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            errors.Add(field, "Expected an integer.");
            return null;
        }

        if (!ListRunsHandler.TryParseInstant(Get("createdAfter", "created_after"), out var after))
        {
            errors.Add("createdAfter", "Expected an ISO 8601 time, e.g. 2026-12-01T00:00:00Z.");
        }

        if (!ListRunsHandler.TryParseInstant(Get("createdBefore", "created_before"), out var before))
        {
            errors.Add("createdBefore", "Expected an ISO 8601 time, e.g. 2026-12-01T00:00:00Z.");
        }

        var request = new ListRunsRequest(
            Get("source"),
            Get("templateId", "template_id", "metadata.template_id", "metadata.templateId"),
            Get("modelId", "model_id", "metadata.model_id", "metadata.modelId"),
            Get("bundle"),
            Get("country"),
            Get("kind"),
            Get("status"),
            after,
            before,
            Get("search"),
            Int("skip", "skip"),
            Int("limit", "limit"),
            Int("page", "page"),
            Int("pageSize", "pageSize", "page_size", "size"),
            Get("sortBy", "sort_by", "sort"),
            Get("sortOrder", "sort_order", "order"));
        if (!errors.IsValid)
        {
            problem = errors.ToProblem();
            return null;
        }

        return request;
    }
}
