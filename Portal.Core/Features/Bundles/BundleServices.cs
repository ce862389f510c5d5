using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Demo;

namespace Portal.Core.Features.Bundles;

public static class BundleServices
{
    /// <summary>Bundle use cases (web host and CLI alike).</summary>
    public static IServiceCollection AddBundles(this IServiceCollection services)
    {
        services.AddScoped<BundleCertifier>();
        services.AddScoped<CreateBundleHandler>();
        services.AddScoped<ListBundlesHandler>();
        services.AddScoped<GetBundleHandler>();
        services.AddScoped<GetBundleFormOptionsHandler>();
        services.AddScoped<SeedDemoBundlesHandler>();
        return services;
    }
}
