using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Demo;
using Portal.Core.Features.Deployment;

namespace Portal.Core.Features.Bundles;

public static class AliasServices
{
    /// <summary>Alias use cases, version discovery and deployment metadata (web host and CLI alike).</summary>
    public static IServiceCollection AddAliases(this IServiceCollection services)
    {
        services.AddScoped<PromoteAliasHandler>();
        services.AddScoped<RollbackAliasHandler>();
        services.AddScoped<ListAliasesHandler>();
        services.AddScoped<GetAliasHandler>();
        services.AddScoped<AliasHistoryHandler>();
        services.AddScoped<ResolveAliasAtHandler>();
        services.AddScoped<ReviewPromotionHandler>();
        services.AddScoped<ListPromotableBundlesHandler>();
        services.AddScoped<GetVersionsHandler>();
        services.AddScoped<GetDeploymentHandler>();
        services.AddScoped<SeedDemoAliasesHandler>();
        return services;
    }
}
