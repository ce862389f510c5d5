using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Portal.Core.Data;
using Portal.Core.Data.Migrations;
using Portal.Core.Engine;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Features.Audit;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Dashboard;
using Portal.Core.Features.DataReleases;
using Portal.Core.Features.Demo;
using Portal.Core.Features.Jobs;
using Portal.Core.Features.ModelReleases;
using Portal.Core.Features.Models;
using Portal.Core.Features.Policies;
using Portal.Core.Features.Setup;
using Portal.Core.Features.Simulations;
using Portal.Core.Features.Templates;
using Portal.Core.Features.Users;
using Portal.Core.Identity;
using Portal.Core.Jobs;

namespace Portal.Core;

/// <summary>Wiring shared by the web host and the CLI, so both see the same data directory, database and use cases.</summary>
public static class PortalCoreExtensions
{
    /// <summary>
    /// Maps the short environment variable <c>PORTAL_DATA_DIR</c> onto <c>Portal:DataDir</c>.
    /// It is inserted just before the environment-variable source so that the standard
    /// <c>Portal__DataDir</c> variable and <c>--Portal:DataDir</c> on the command line still win.
    /// </summary>
    public static void AddPortalEnvironmentAliases(this IConfigurationManager configuration)
    {
        var dataDir = Environment.GetEnvironmentVariable(PortalPaths.DataDirEnvironmentVariable);
        if (string.IsNullOrWhiteSpace(dataDir))
        {
            return;
        }

        var source = new MemoryConfigurationSource
        {
            InitialData = [new(PortalPaths.DataDirKey, dataDir)],
        };
        var sources = configuration.Sources;
        var envIndex = sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        if (envIndex < 0)
        {
            sources.Add(source);
        }
        else
        {
            sources.Insert(envIndex, source);
        }
    }

    /// <summary>
    /// Use cases that read or drive the Quartz scheduler; registered by the host that runs one
    /// (the web server), not by the CLI, which has no scheduler.
    /// </summary>
    public static IServiceCollection AddPortalSchedulerFeatures(this IServiceCollection services)
    {
        services.AddScoped<JobsOverviewHandler>();
        services.AddScoped<JobCommandsHandler>();
        services.AddScoped<GetDashboardHandler>();
        return services;
    }

    public static IdentityBuilder AddPortalCore(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddPortalEnvironmentAliases();
        var services = builder.Services;
        var paths = PortalPaths.From(builder.Configuration, builder.Environment);
        paths.EnsureCreated();
        services.AddSingleton(paths);
        var database = DatabaseSettings.From(builder.Configuration, paths);
        services.AddSingleton(database);
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContextPool<PortalDbContext>((sp, options) => sp.GetRequiredService<DatabaseSettings>().Configure(options));
        services.AddSingleton<SchemaMigrator>();
        services.Configure<MaintenanceOptions>(builder.Configuration.GetSection(MaintenanceOptions.Section));

        // Use cases: one class per action, called by pages, API endpoints and CLI verbs alike.
        services.AddScoped<SetupState>();
        services.AddScoped<CompleteSetupHandler>();
        services.AddScoped<SeedDemoUsersHandler>();
        services.AddScoped<ListUsersHandler>();
        services.AddScoped<GetUserHandler>();
        services.AddScoped<CreateUserHandler>();
        services.AddScoped<SetUserRolesHandler>();
        services.AddScoped<SetUserLockHandler>();
        services.AddScoped<SetPasswordHandler>();
        services.AddScoped<RecordSignInHandler>();
        services.AddScoped<ChangePasswordHandler>();
        services.AddScoped<CreateAccessTokenHandler>();
        services.AddScoped<ListAccessTokensHandler>();
        services.AddScoped<RevokeAccessTokenHandler>();
        services.AddScoped<AuthenticateAccessTokenHandler>();
        var tokenCacheLifetime = TokenCacheSettings.Lifetime(builder.Configuration, database);
        services.AddSingleton(sp => new AccessTokenCache(sp.GetRequiredService<TimeProvider>(), tokenCacheLifetime));
        services.AddScoped<ListAuditEventsHandler>();
        services.AddScoped<RegisterModelReleasesHandler>();
        services.AddDataReleases();
        services.Configure<DataImportOptions>(builder.Configuration.GetSection(DataImportOptions.Section));
        services.AddAliases();
        services.AddPolicies();
        services.AddSimulationForms();

        // Country model packages: loaded and compiled once, on first use (the web host forces it at start-up).
        var models = ModelOptions.From(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddSingleton(models);
        services.AddSingleton(_ => ModelCatalog.Load(models.Directory!, models.AllowUnlocked));
        services.AddScoped<ListModelsHandler>();
        services.AddScoped<GetModelMetadataHandler>();
        services.AddScoped<CalculateHouseholdHandler>();
        services.AddScoped<RunCalculatorHandler>();
        services.AddScoped<CompareReleasesHandler>();
        services.AddBundles();
        services.AddTemplates();

        return services
            .AddIdentityCore<PortalUser>(options =>
            {
                PasswordRules.Apply(options.Password);
                options.User.RequireUniqueEmail = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>();
    }
}
