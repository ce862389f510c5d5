using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Portal.Core;
using Portal.Core.Data;

namespace Portal.Hosting;

public static class PortalServiceExtensions
{
    /// <summary>Everything the web host needs, in dependency order.</summary>
    /// <summary>Where Portal listens when nothing says otherwise (ASPNETCORE_URLS, --urls, ports or Kestrel endpoints).</summary>
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddPortalServices(this WebApplicationBuilder builder)
    {
        var listen = builder.Configuration;
        if (string.IsNullOrEmpty(listen["urls"]) && string.IsNullOrEmpty(listen["http_ports"]) && string.IsNullOrEmpty(listen["https_ports"])
            && !listen.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Serve static assets (including their precompressed variants under obj/) when running from
        // build output, in every environment; a published app has no such manifest and is unaffected.
        builder.WebHost.UseStaticWebAssets();

        var identity = builder.AddPortalCore();
        builder.AddPortalLogging();
        builder.AddPortalAuthentication(identity);
        builder.AddPortalScheduler();
        builder.AddPortalOperations();
        builder.AddPortalUi();
        return builder;
    }

    /// <summary>Problem details, JSON conventions, OpenAPI, health checks and data protection.</summary>
    public static void AddPortalOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["trace_id"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
        });

        // API JSON is snake_case, like the PolicyEngine APIs Portal is compatible with.
        services.Configure<JsonOptions>(options => ConfigureJson(options.SerializerOptions));

        // Minimal APIs report malformed JSON as an exception we turn into a 400 with the reason.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        services.AddPortalOpenApi();
        services.AddApiNegotiation();

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: ["ready"]);

        // Cookies and antiforgery tokens are signed with the data-protection key ring. On PostgreSQL
        // (several instances behind one load balancer) the ring lives in the shared database, so any
        // instance reads what another issued; a single SQLite node keeps its owner-only key files
        // (unchanged on upgrade, and not copied into every database backup).
        var paths = PortalPaths.From(builder.Configuration, builder.Environment);
        var dataProtection = services.AddDataProtection().SetApplicationName("Portal");
        if (DatabaseSettings.From(builder.Configuration, paths).IsSqlite)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(paths.Keys));
        }
        else
        {
            dataProtection.PersistKeysToDbContext<PortalDbContext>();
        }
    }

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        json.DictionaryKeyPolicy = null;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.NumberHandling = JsonNumberHandling.Strict;

        // A missing required field or a null for a non-nullable one is a 400, not a null deep inside a handler.
        json.RespectNullableAnnotations = true;
        json.RespectRequiredConstructorParameters = true;
    }
}
