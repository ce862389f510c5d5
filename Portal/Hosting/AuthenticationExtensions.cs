using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Portal.Auth;
using Portal.Core.Identity;

namespace Portal.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>Picks the bearer handler when an Authorization header is present, the cookie otherwise.</summary>
    public const string PortalScheme = "Portal";
    public const string SignInRateLimit = "sign-in";

    /// <summary>
    /// Cookies for people, bearer tokens for programs, one set of capability policies for both.
    /// Every endpoint requires a signed-in user unless it says otherwise (fallback policy).
    /// </summary>
    public static void AddPortalAuthentication(this WebApplicationBuilder builder, IdentityBuilder identity)
    {
        identity
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>()
            .AddDefaultTokenProviders();

        var services = builder.Services;
        services
            .AddAuthentication(options =>
            {
                options.DefaultScheme = PortalScheme;
                options.DefaultChallengeScheme = PortalScheme;
                options.DefaultForbidScheme = PortalScheme;
            })
            .AddPolicyScheme(PortalScheme, "Cookie or bearer token", options =>
                options.ForwardDefaultSelector = context => AccessTokenAuthenticationHandler.HasBearerHeader(context.Request)
                    ? AccessTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenAuthenticationHandler>(AccessTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "portal.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/access-denied";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Events.OnRedirectToLogin = context => ApiPaths.IsApi(context.Request)
                ? ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
                    "Authentication is required. Send an access token as 'Authorization: Bearer <token>'.")
                : Redirect(context);
            options.Events.OnRedirectToAccessDenied = context => ApiPaths.IsApi(context.Request)
                ? ProblemResponses.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Your role does not allow this operation.")
                : Redirect(context);
        });

        // Role changes and locks change the security stamp; sessions notice within a minute.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPortalPolicies();
        services.AddCascadingAuthenticationState();

        // Brute-force brake on the two password forms, per client address; Identity's lockout
        // protects each account on top of this.
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                HttpMethods.IsPost(context.Request.Method) && IsPasswordForm(context.Request.Path)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) })
                    : RateLimitPartition.GetNoLimiter("unlimited"));
        });
    }

    private static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder authorization)
    {
        foreach (var (policy, roles) in PortalPolicies.Matrix)
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }

        return authorization;
    }

    private static bool IsPasswordForm(PathString path) =>
        path.StartsWithSegments("/account/login", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/setup", StringComparison.OrdinalIgnoreCase);

    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
