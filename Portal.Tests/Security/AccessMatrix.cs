using Portal.Core.Identity;

namespace Portal.Tests.Security;

/// <summary>
/// The reviewed access matrix: every endpoint of the application, by its HTTP methods and route
/// pattern, with what it requires. <see cref="EndpointAccessTests"/> fails when an endpoint is added,
/// removed or changes its requirement without this file changing too, and then calls each endpoint
/// anonymously and as every role. Values: <see cref="Anonymous"/>, <see cref="SignedIn"/> (any
/// role) or a policy of <see cref="PortalPolicies"/> (roles per <see cref="PortalPolicies.Matrix"/>).
/// Role checks inside the handlers (own tokens, the owner of a report) come on top of this.
/// </summary>
public static class AccessMatrix
{
    public const string Anonymous = "Anonymous";
    public const string SignedIn = "SignedIn";
    private const string CanAdmin = PortalPolicies.CanAdmin;
    private const string CanPromote = PortalPolicies.CanPromote;
    private const string CanPublish = PortalPolicies.CanPublish;
    private const string CanRun = PortalPolicies.CanRun;
    private const string CanReview = PortalPolicies.CanReview;

    /// <summary>"METHODS pattern" (methods comma-separated as the endpoint declares them, * for any) → requirement.</summary>
    public static IReadOnlyDictionary<string, string> Endpoints { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Anonymous, and only these: health probes (load balancers carry no credentials), sign-in, first-run
        // setup (the pipeline answers 404 once any user exists), the pages that render errors and refusals
        // (status pages are re-executed for anonymous requests too) and the theme switcher (it only sets the
        // caller's own display cookie, and it is on the sign-in page). Static assets are checked separately.
        ["GET,POST /account/access-denied"] = Anonymous,
        ["GET,POST /account/login"] = Anonymous,
        ["* /healthz"] = Anonymous,
        ["GET,POST /not-found"] = Anonymous,
        ["POST /preferences/theme"] = Anonymous,
        ["* /readyz"] = Anonymous,
        ["GET,POST /setup"] = Anonymous,
        ["GET,POST /status/{Code:int}"] = Anonymous,

        // Pages (Blazor static SSR; GET renders, POST dispatches the page's forms). SignedIn pages that carry
        // role-only forms (aliases, bundles, data, publishing, templates) refuse those forms in the handler
        // and by not rendering them: see FormAccess below.
        ["GET,POST /"] = SignedIn,
        ["GET,POST /account/password"] = SignedIn,
        ["GET,POST /account/tokens"] = SignedIn,
        ["GET,POST /admin"] = CanAdmin,
        ["GET,POST /admin/audit"] = CanAdmin,
        ["GET,POST /admin/jobs"] = CanAdmin,
        ["GET,POST /admin/tokens"] = CanAdmin,
        ["GET,POST /admin/users"] = CanAdmin,
        ["GET,POST /admin/users/new"] = CanAdmin,
        ["GET,POST /admin/users/{Id}"] = CanAdmin,
        ["GET,POST /aliases"] = SignedIn,
        ["GET,POST /bundles"] = SignedIn,
        ["GET,POST /calculator"] = SignedIn,
        ["GET,POST /compare"] = CanReview,
        ["GET,POST /data"] = SignedIn,
        ["GET,POST /data/datasets/{Id:long}"] = SignedIn,
        ["GET,POST /data/{Country}/{Version}"] = SignedIn,
        ["GET,POST /models"] = SignedIn,
        ["GET,POST /models/{Country}/diff"] = SignedIn,
        ["GET,POST /models/{Country}/{Version}"] = SignedIn,
        ["GET,POST /provenance"] = SignedIn,
        ["GET,POST /publishing"] = SignedIn,
        ["GET,POST /publishing/{RunId}"] = SignedIn,
        ["GET,POST /reports"] = SignedIn,
        ["GET,POST /reports/new"] = CanRun,
        ["GET,POST /reports/{Id:long}"] = SignedIn,
        ["GET,POST /reports/{Id:long}/rerun"] = CanRun,
        ["GET,POST /runs/new"] = CanRun,
        ["GET,POST /runs/{Id}/replay"] = SignedIn,   // CanRun, checked in the page: see CheckedInPage
        ["GET,POST /runs/{Id}"] = SignedIn,
        ["GET,POST /simulations"] = SignedIn,
        ["GET,POST /simulations/new"] = CanRun,
        ["GET,POST /simulations/{JobId}"] = SignedIn,
        ["GET,POST /templates"] = SignedIn,
        ["GET,POST /templates/{Id}"] = SignedIn,

        // htmx fragments, downloads and plain form targets used by the pages.
        ["GET /_framework/opaque-redirect"] = SignedIn,
        ["POST /account/logout"] = SignedIn,
        ["POST /data/import"] = CanPublish,
        ["GET /admin/jobs/live"] = CanAdmin,
        ["GET /aliases"] = SignedIn,
        ["GET /publishing/{run_id}/live"] = SignedIn,
        ["GET /reports/{id:long}/live"] = SignedIn,
        ["GET /runs/{run_id}/live"] = SignedIn,
        ["GET /simulations/live"] = SignedIn,
        ["GET /simulations/parameters"] = CanRun,
        ["GET /simulations/{job_id}/live"] = SignedIn,
        ["GET /simulations/{job_id}/result.csv"] = SignedIn,
        ["GET /simulations/{job_id}/result.json"] = SignedIn,
        ["GET,HEAD {**path:file}"] = SignedIn,

        // API: legacy PolicyEngine-compatible routes, /v1, discovery, fallbacks (404 after authentication).
        ["* /api"] = SignedIn,
        ["GET /api/dashboard"] = SignedIn,
        ["GET /api/me"] = SignedIn,
        ["GET /api/publish/"] = SignedIn,
        ["POST /api/publish/"] = CanPublish,
        ["GET /api/publish/{run_id}"] = SignedIn,
        ["GET /api/publish/{run_id}/files/{**path}"] = SignedIn,
        ["GET /api/publish/{run_id}/manifest"] = SignedIn,
        ["GET /api/tokens"] = SignedIn,
        ["POST /api/tokens"] = SignedIn,
        ["DELETE /api/tokens/{id:long}"] = SignedIn,
        ["GET /api/v1/templates/"] = SignedIn,
        ["POST /api/v1/templates/"] = CanPublish,
        ["DELETE /api/v1/templates/{id}"] = CanPublish,
        ["GET /api/v1/templates/{id}"] = SignedIn,
        ["POST /api/v1/templates/{id}/generate"] = SignedIn,
        ["* /api/{**rest}"] = SignedIn,
        ["* /budget-window-jobs"] = SignedIn,
        ["* /budget-window-jobs/{**rest}"] = SignedIn,
        ["GET /budget-window-jobs/{job_id}"] = SignedIn,
        ["GET /compare.json"] = CanReview,
        ["GET /compare.md"] = CanReview,
        ["GET /deployment"] = SignedIn,
        ["* /jobs"] = SignedIn,
        ["* /jobs/{**rest}"] = SignedIn,
        ["GET /jobs/{job_id}"] = SignedIn,
        ["GET /openapi/{documentName}.json"] = SignedIn,
        ["* /simulate"] = SignedIn,
        ["POST /simulate/economy/budget-window"] = CanRun,
        ["POST /simulate/economy/comparison"] = CanRun,
        ["* /simulate/{**rest}"] = SignedIn,
        ["* /uk"] = SignedIn,
        ["* /uk/{**rest}"] = SignedIn,
        ["* /us"] = SignedIn,
        ["* /us/{**rest}"] = SignedIn,
        ["* /v1"] = SignedIn,
        ["GET /v1/artifacts"] = SignedIn,
        ["GET /v1/artifacts/{run_id}"] = SignedIn,
        ["GET /v1/artifacts/{run_id}/files/{**name}"] = SignedIn,
        ["POST /v1/artifacts/{run_id}/replay"] = CanRun,
        ["POST /v1/run"] = CanRun,
        ["* /v1/{**rest}"] = SignedIn,
        ["GET /versions"] = SignedIn,
        ["GET /versions/{country}"] = SignedIn,
        ["GET /{country_id:regex(^(us|uk)$)}/economy/{reform_policy_id:long}/over/{baseline_policy_id:long}"] = SignedIn,
        ["POST /{country_id:regex(^(us|uk)$)}/household"] = CanRun,
        ["POST /{country_id:regex(^(us|uk)$)}/policy"] = CanRun,
        ["POST /{country_id:regex(^(us|uk)$)}/report"] = CanRun,
        ["GET /{country_id:regex(^(us|uk)$)}/report/{report_id:long}"] = SignedIn,
        ["GET /{country_id:regex(^(us|uk)$)}/report/{report_id:long}/rerun"] = CanRun,
        ["POST /{country_id:regex(^(us|uk)$)}/report/{report_id:long}/rerun"] = CanRun,
        ["POST /{country_id:regex(^(us|uk)$)}/simulation"] = CanRun,
        ["POST /{country_id}/calculate"] = SignedIn,
        ["GET /{country_id}/metadata"] = SignedIn,

        // Served from page paths by content negotiation (ApiOrPageMatcherPolicy).
        ["GET /aliases/{country}"] = SignedIn,
        ["GET /aliases/{country}/{name}"] = SignedIn,
        ["PUT /aliases/{country}/{name}"] = CanPromote,
        ["GET /aliases/{country}/{name}/history"] = SignedIn,
        ["POST /aliases/{country}/{name}/rollback"] = CanPromote,
        ["GET /bundles/"] = SignedIn,
        ["POST /bundles/"] = CanPublish,
        ["GET,POST /bundles/{Id}"] = SignedIn,
        ["GET /bundles/{bundleId}"] = SignedIn,

        // API: /api/v2 (mirrors and v2-only resources).
        ["GET /api/v2/aggregates"] = SignedIn,
        ["POST /api/v2/aggregates"] = CanRun,
        ["GET /api/v2/aggregates/{id}"] = SignedIn,
        ["GET /api/v2/aliases"] = SignedIn,
        ["GET /api/v2/aliases/{country}"] = SignedIn,
        ["GET /api/v2/aliases/{country}/{name}"] = SignedIn,
        ["PUT /api/v2/aliases/{country}/{name}"] = CanPromote,
        ["GET /api/v2/aliases/{country}/{name}/history"] = SignedIn,
        ["POST /api/v2/aliases/{country}/{name}/rollback"] = CanPromote,
        ["GET /api/v2/artifacts"] = SignedIn,
        ["GET /api/v2/artifacts/{run_id}"] = SignedIn,
        ["GET /api/v2/artifacts/{run_id}/files/{**name}"] = SignedIn,
        ["POST /api/v2/artifacts/{run_id}/replay"] = CanRun,
        ["GET /api/v2/budget-window-jobs/{job_id}"] = SignedIn,
        ["GET /api/v2/bundles/"] = SignedIn,
        ["POST /api/v2/bundles/"] = CanPublish,
        ["GET /api/v2/bundles/{bundleId}"] = SignedIn,
        ["GET /api/v2/change-aggregates"] = SignedIn,
        ["POST /api/v2/change-aggregates"] = CanRun,
        ["GET /api/v2/change-aggregates/{id}"] = SignedIn,
        ["GET /api/v2/data-releases"] = SignedIn,
        ["POST /api/v2/data-releases"] = CanPublish,
        ["GET /api/v2/data-releases/{country}/{version}"] = SignedIn,
        ["POST /api/v2/data-releases/{country}/{version}/import"] = CanPublish,
        ["GET /api/v2/data-releases/{country}/{version}/verify"] = SignedIn,
        ["GET /api/v2/datasets"] = SignedIn,
        ["GET /api/v2/datasets/{id:long}"] = SignedIn,
        ["GET /api/v2/datasets/{id:long}/download"] = SignedIn,
        ["GET /api/v2/deployment"] = SignedIn,
        ["GET /api/v2/jobs"] = SignedIn,
        ["GET /api/v2/jobs/{job_id}"] = SignedIn,
        ["GET /api/v2/models/"] = SignedIn,
        ["GET /api/v2/models/{country}/diff"] = SignedIn,
        ["GET /api/v2/models/{country}/{version}"] = SignedIn,
        ["GET /api/v2/policies"] = SignedIn,
        ["POST /api/v2/policies"] = CanRun,
        ["GET /api/v2/policies/{id}"] = SignedIn,
        ["GET /api/v2/publish/"] = SignedIn,
        ["POST /api/v2/publish/"] = CanPublish,
        ["GET /api/v2/publish/{run_id}"] = SignedIn,
        ["GET /api/v2/publish/{run_id}/files/{**path}"] = SignedIn,
        ["GET /api/v2/publish/{run_id}/manifest"] = SignedIn,
        ["GET /api/v2/reports/"] = SignedIn,
        ["GET /api/v2/reports/{country_id}/{report_id:long}"] = SignedIn,
        ["POST /api/v2/run"] = CanRun,
        ["POST /api/v2/simulate/economy/budget-window"] = CanRun,
        ["POST /api/v2/simulate/economy/comparison"] = CanRun,
        ["GET /api/v2/simulations"] = SignedIn,
        ["POST /api/v2/simulations"] = CanRun,
        ["GET /api/v2/simulations/{id}"] = SignedIn,
        ["GET /api/v2/templates/"] = SignedIn,
        ["POST /api/v2/templates/"] = CanPublish,
        ["DELETE /api/v2/templates/{id}"] = CanPublish,
        ["GET /api/v2/templates/{id}"] = SignedIn,
        ["POST /api/v2/templates/{id}/generate"] = SignedIn,
        ["GET /api/v2/versions"] = SignedIn,
        ["GET /api/v2/versions/{country}"] = SignedIn,

        // API: administration.
        ["GET /api/admin/audit"] = CanAdmin,
        ["GET /api/admin/jobs"] = CanAdmin,
        ["POST /api/admin/jobs/{group}/{name}/run"] = CanAdmin,
        ["GET /api/admin/tokens"] = CanAdmin,
        ["POST /api/admin/tokens"] = CanAdmin,
        ["DELETE /api/admin/tokens/{id:long}"] = CanAdmin,
        ["POST /api/admin/triggers/{group}/{name}/pause"] = CanAdmin,
        ["POST /api/admin/triggers/{group}/{name}/resume"] = CanAdmin,
        ["GET /api/admin/users"] = CanAdmin,
        ["POST /api/admin/users"] = CanAdmin,
        ["GET /api/admin/users/{id}"] = CanAdmin,
        ["POST /api/admin/users/{id}/lock"] = CanAdmin,
        ["PUT /api/admin/users/{id}/roles"] = CanAdmin,
        ["POST /api/admin/users/{id}/unlock"] = CanAdmin,
    };

    /// <summary>
    /// Pages with no endpoint policy on purpose that check a capability themselves and answer 403
    /// with the reason (not a redirect): /runs/{id}/replay lets the replay handler refuse, so a
    /// Reviewer's post reads why. Checked by the role test like endpoint policies.
    /// </summary>
    public static IReadOnlyDictionary<string, string> CheckedInPage { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["GET,POST /runs/{Id}/replay"] = CanRun,
    };

    /// <summary>
    /// Every POST form of the pages, by the page that renders it and its Blazor form name. Forms that
    /// need more than the page does are only rendered for the roles that may use them (so a forged
    /// post from another role finds no form: 400), and their handlers check the policy again.
    /// </summary>
    public static IReadOnlyList<FormAccess> Forms { get; } =
    [
        new("/setup", "setup", Anonymous),
        new("/account/login", "login", Anonymous),
        new("/account/password", "password", SignedIn),
        new("/account/tokens", "create-token", SignedIn),
        new("/account/tokens", "revoke", SignedIn),
        new("/templates/{template}", "generate", SignedIn),
        new("/simulations/new", "submit-simulation", CanRun),
        new("/reports/new", "new-report", CanRun),
        new("/reports/{report}/rerun", "rerun-report", CanRun),
        new("/runs/new", "start-run", CanRun),
        new("/runs/{run}/replay", "replay-run", CanRun),
        new("/bundles", "create-bundle", CanPublish),
        new("/data", "generate-release", CanPublish),
        new("/publishing", "start-publish", CanPublish),
        new("/templates", "upload-template", CanPublish),
        new("/aliases", "promote", CanPromote),
        new("/aliases", "rollback", CanPromote),
        new("/admin/jobs", "job-action", CanAdmin),
        new("/admin/tokens", "create-token", CanAdmin),
        new("/admin/tokens", "revoke", CanAdmin),
        new("/admin/users/new", "new-user", CanAdmin),
        new("/admin/users/{user}", "lock", CanAdmin),
        new("/admin/users/{user}", "roles", CanAdmin),
        new("/admin/users/{user}", "revoke", CanAdmin),
    ];

    /// <summary>Plain (non-Blazor) form targets: minimal endpoints that bind [FromForm] (the data import form posts multipart to /data/import).</summary>
    public static IReadOnlyList<string> FormEndpoints { get; } = ["/preferences/theme", "/account/logout", "/data/import"];

    /// <summary>Whether a user holding only <paramref name="role"/> passes <paramref name="requirement"/>.</summary>
    public static bool Allows(string requirement, string role) =>
        requirement is Anonymous or SignedIn || PortalPolicies.Allows(requirement, [role]);
}

/// <param name="Page">The page path; {placeholders} are filled in by the test from seeded data.</param>
public sealed record FormAccess(string Page, string FormName, string Requirement);
