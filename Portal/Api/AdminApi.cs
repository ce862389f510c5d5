using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Auth;
using Portal.Core.Common;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Features.Audit;
using Portal.Core.Features.Jobs;
using Portal.Core.Features.Users;
using Portal.Core.Identity;

namespace Portal.Api;

public sealed record CreateUserBody(string Email, string Password, IReadOnlyList<string> Roles, string? DisplayName = null);

public sealed record SetRolesBody(IReadOnlyList<string> Roles);

public sealed record CreateTokenBody(string User, string Name, int? ExpiresInDays = null);

public sealed record MessageResponse(string Message);

/// <summary>User, token, job and audit administration. Every route requires the Admin role.</summary>
public static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin")
            .RequireAuthorization(PortalPolicies.CanAdmin)
            .RequireCsrfProtectionForCookies();

        admin.MapGet("/users", async (
                ListUsersHandler handler, CancellationToken ct,
                string? search, string? role, int? page, [FromQuery(Name = "page_size")] int? pageSize) =>
                TypedResults.Ok(await handler.HandleAsync(new ListUsersRequest(search, role, page, pageSize), ct)))
            .WithSummary("List users");

        admin.MapPost("/users", async Task<Results<Created<UserSummary>, ProblemHttpResult>> (
                CreateUserBody body, HttpContext http, CreateUserHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(new CreateUserRequest(body.Email, body.DisplayName, body.Password, body.Roles), http.User.ToActor(), ct))
                    .ToCreated(user => $"/api/admin/users/{user.Id}"))
            .WithSummary("Create a user");

        admin.MapGet("/users/{id}", async Task<Results<Ok<UserSummary>, ProblemHttpResult>> (string id, GetUserHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(id, ct)).ToHttp())
            .WithSummary("Get a user by id or email");

        admin.MapPut("/users/{id}/roles", async Task<Results<Ok<UserSummary>, ProblemHttpResult>> (
                string id, SetRolesBody body, HttpContext http, SetUserRolesHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(new SetUserRolesRequest(id, body.Roles), http.User.ToActor(), ct)).ToHttp())
            .WithSummary("Replace a user's roles");

        admin.MapPost("/users/{id}/lock", async Task<Results<Ok<UserSummary>, ProblemHttpResult>> (
                string id, HttpContext http, SetUserLockHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(new SetUserLockRequest(id, true), http.User.ToActor(), ct)).ToHttp())
            .WithSummary("Lock a user: no sign-in, no API access");

        admin.MapPost("/users/{id}/unlock", async Task<Results<Ok<UserSummary>, ProblemHttpResult>> (
                string id, HttpContext http, SetUserLockHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(new SetUserLockRequest(id, false), http.User.ToActor(), ct)).ToHttp())
            .WithSummary("Unlock a user");

        admin.MapGet("/tokens", async (ListAccessTokensHandler handler, CancellationToken ct) =>
                TypedResults.Ok(await handler.HandleAsync(null, includeInactive: true, ct)))
            .WithSummary("All access tokens (never the secrets)");

        admin.MapPost("/tokens", async Task<Results<Created<CreatedAccessToken>, ProblemHttpResult>> (
                CreateTokenBody body, HttpContext http, CreateAccessTokenHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(new CreateAccessTokenRequest(body.User, body.Name, body.ExpiresInDays), http.User.ToActor(), ct))
                    .ToCreated(token => $"/api/admin/tokens/{token.Id}"))
            .WithSummary("Create a token for any user (the secret is returned once)");

        admin.MapDelete("/tokens/{id:long}", async Task<Results<Ok<AccessTokenSummary>, ProblemHttpResult>> (
                long id, HttpContext http, RevokeAccessTokenHandler handler, CancellationToken ct) =>
                (await handler.HandleAsync(id, http.User.ToActor(), ct)).ToHttp())
            .WithSummary("Revoke any token");

        admin.MapGet("/jobs", async (JobsOverviewHandler handler, CancellationToken ct, int? recent) =>
                TypedResults.Ok(await handler.HandleAsync(recent ?? 50, ct)))
            .WithSummary("Scheduled, running and recent jobs");

        admin.MapPost("/jobs/{group}/{name}/run", async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> (
                string group, string name, HttpContext http, JobCommandsHandler handler, CancellationToken ct) =>
                RespondMessage(await handler.RunNowAsync(group, name, http.User.ToActor(), ct)))
            .WithSummary("Run a job now");

        admin.MapPost("/triggers/{group}/{name}/pause", async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> (
                string group, string name, HttpContext http, JobCommandsHandler handler, CancellationToken ct) =>
                RespondMessage(await handler.SetPausedAsync(group, name, true, http.User.ToActor(), ct)))
            .WithSummary("Pause a trigger");

        admin.MapPost("/triggers/{group}/{name}/resume", async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> (
                string group, string name, HttpContext http, JobCommandsHandler handler, CancellationToken ct) =>
                RespondMessage(await handler.SetPausedAsync(group, name, false, http.User.ToActor(), ct)))
            .WithSummary("Resume a trigger");

        admin.MapGet("/audit", async (
                ListAuditEventsHandler handler, CancellationToken ct,
                string? search, int? page, [FromQuery(Name = "page_size")] int? pageSize) =>
                TypedResults.Ok(await handler.HandleAsync(search, page, pageSize, ct)))
            .WithSummary("Audit log, newest first");
    }

    private static Results<Ok<MessageResponse>, ProblemHttpResult> RespondMessage(Result<string> result) =>
        result.Succeeded ? TypedResults.Ok(new MessageResponse(result.Value!)) : result.Problem!.ToHttp();
}
