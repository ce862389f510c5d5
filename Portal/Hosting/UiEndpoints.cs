using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Auth;
using Portal.Components.Pages.Admin;
using Portal.Core.Identity;

namespace Portal.Hosting;

/// <summary>Small form targets and htmx fragments used by the pages (not part of the public API).</summary>
public static class UiEndpoints
{
    public const string ThemeCookie = "portal.theme";

    public static void MapUiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/preferences/theme", ([FromForm] string theme, [FromForm] string? returnUrl, HttpContext http) =>
            {
                var value = theme is "light" or "dark" or "auto" ? theme : "auto";
                http.Response.Cookies.Append(ThemeCookie, value, new CookieOptions
                {
                    MaxAge = TimeSpan.FromDays(365),
                    SameSite = SameSiteMode.Lax,
                    HttpOnly = false,
                    Secure = http.Request.IsHttps,
                    IsEssential = true,
                });
                return TypedResults.LocalRedirect(SafeReturnUrl(returnUrl));
            })
            .AllowAnonymous()
            .ExcludeFromDescription();

        app.MapPost("/account/logout", async ([FromForm] string? returnUrl, PortalSignIn signIn, FlashMessages flash) =>
            {
                await signIn.SignOutAsync();
                flash.Add(FlashKind.Info, "You have signed out.");
                return TypedResults.LocalRedirect("/account/login");
            })
            .ExcludeFromDescription();

        app.MapGet("/admin/jobs/live", () => new RazorComponentResult<JobsLive>())
            .RequireAuthorization(PortalPolicies.CanAdmin)
            .ExcludeFromDescription();
    }

    /// <summary>Only same-site relative paths; anything else (//evil.example, https://…) goes home.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}

public static class UiServiceExtensions
{
    public static void AddPortalUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddAntiforgery(options =>
        {
            options.HeaderName = "RequestVerificationToken";
            options.Cookie.Name = "portal.antiforgery";
        });
        builder.Services.AddScoped<FlashMessages>();
        builder.Services.AddScoped<PortalSignIn>();
        builder.Services.AddReportPages();
    }
}
