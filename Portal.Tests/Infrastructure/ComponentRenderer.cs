using System.Security.Claims;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Identity;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Renders a Razor component to HTML with ASP.NET's own <see cref="HtmlRenderer"/> (bUnit is not
/// available here) inside an authentication state for the given user, then parses it with AngleSharp.
/// </summary>
public sealed class ComponentRenderer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly HtmlRenderer _renderer;

    public ComponentRenderer(string uri = "http://localhost/", ClaimsPrincipal? user = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<NavigationManager>(new FixedNavigationManager(uri));
        services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(user ?? new ClaimsPrincipal(new ClaimsIdentity())));
        services.AddAuthorizationCore(options =>
        {
            foreach (var (policy, roles) in PortalPolicies.Matrix)
            {
                options.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
            }
        });
        _services = services.BuildServiceProvider();
        _renderer = new HtmlRenderer(_services, _services.GetRequiredService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
    }

    public static ClaimsPrincipal User(string name, params string[] roles) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.NameIdentifier, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))],
            authenticationType: "test"));

    public Task<IHtmlDocument> RenderAsync<TComponent>(params (string Name, object? Value)[] parameters)
        where TComponent : IComponent =>
        _renderer.Dispatcher.InvokeAsync(async () =>
        {
            RenderFragment content = builder =>
            {
                // One sequence number for all parameters: they come from one "source line" here.
                builder.OpenComponent<TComponent>(0);
                foreach (var (name, value) in parameters)
                {
                    builder.AddComponentParameter(1, name, value);
                }

                builder.CloseComponent();
            };
            var root = await _renderer.RenderComponentAsync<CascadingAuthenticationState>(
                ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(CascadingAuthenticationState.ChildContent)] = content }));
            return HtmlForms.Parse($"<html><body>{root.ToHtmlString()}</body></html>");
        });

    public async ValueTask DisposeAsync()
    {
        await _renderer.DisposeAsync();
        await _services.DisposeAsync();
    }

    private sealed class FixedNavigationManager : NavigationManager
    {
        public FixedNavigationManager(string uri) => Initialize("http://localhost/", uri);

        protected override void NavigateToCore(string uri, NavigationOptions options) => Uri = ToAbsoluteUri(uri).ToString();
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

/// <summary>Builds a render fragment from text, for ChildContent parameters.</summary>
public static class Fragments
{
    public static RenderFragment Text(string text) => builder => builder.AddContent(0, text);

    public static RenderFragment Build(Action<RenderTreeBuilder> build) => builder => build(builder);
}
