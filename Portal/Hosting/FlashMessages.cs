using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Hosting;

public enum FlashKind
{
    Success,
    Info,
    Warning,
    Danger,
}

public sealed record Flash(FlashKind Kind, string Text);

/// <summary>
/// One-shot messages that survive a redirect (post → redirect → get), carried in a short-lived,
/// data-protected cookie because static SSR has no TempData. The middleware moves them into
/// the request on the next page load and deletes the cookie, so each is shown exactly once.
/// </summary>
public sealed class FlashMessages(IHttpContextAccessor accessor, IDataProtectionProvider protection)
{
    public const string CookieName = "portal.flash";
    private const string ItemsKey = "portal.flash.incoming";
    private const string Purpose = "Portal.FlashMessages";

    private HttpContext Context => accessor.HttpContext ?? throw new InvalidOperationException("Flash messages need an HTTP request.");

    public void Add(FlashKind kind, string text)
    {
        var pending = Read(Context.Request.Cookies[CookieName]).Append(new Flash(kind, text)).TakeLast(5).ToList();
        var payload = protection.CreateProtector(Purpose).Protect(JsonSerializer.Serialize(pending));
        Context.Response.Cookies.Append(CookieName, payload, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            IsEssential = true,
            Secure = Context.Request.IsHttps,
            MaxAge = TimeSpan.FromMinutes(2),
        });
    }

    /// <summary>The messages delivered with this request.</summary>
    public IReadOnlyList<Flash> Current =>
        accessor.HttpContext?.Items[ItemsKey] as IReadOnlyList<Flash> ?? [];

    /// <summary>Runs once per request, before rendering.</summary>
    public static Task DeliverAsync(HttpContext context, Func<Task> next)
    {
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Cookies.TryGetValue(CookieName, out var cookie))
        {
            var protector = context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
            try
            {
                context.Items[ItemsKey] = Read(protector.Unprotect(cookie));
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Tampered or from old keys: drop it.
            }

            context.Response.Cookies.Delete(CookieName);
        }

        return next();
    }

    private static List<Flash> Read(string? json)
    {
        if (string.IsNullOrEmpty(json) || !json.StartsWith('['))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<Flash>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
