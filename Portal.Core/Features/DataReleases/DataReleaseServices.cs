using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Core.Features.DataReleases;

public static class DataReleaseServices
{
    /// <summary>The artifact store and the data-release use cases (web host and CLI alike).</summary>
    public static IServiceCollection AddDataReleases(this IServiceCollection services)
    {
        services.TryAddSingleton<IArtifactStore, FileSystemArtifactStore>();
        services.AddScoped<RegisterDataReleaseHandler>();
        services.AddScoped<GenerateDataReleaseHandler>();
        services.AddScoped<ImportDataReleaseHandler>();
        services.AddScoped<Demo.SeedDemoDataReleasesHandler>();
        services.AddScoped<ListDataReleasesHandler>();
        services.AddScoped<GetDataReleaseHandler>();
        services.AddScoped<ListDatasetsHandler>();
        services.AddScoped<GetDatasetHandler>();
        services.AddScoped<OpenDatasetHandler>();
        services.AddScoped<VerifyDataReleaseHandler>();
        services.AddScoped<BrowseDatasetHandler>();
        services.AddScoped<LoadDataReleasePopulationHandler>();
        return services;
    }
}
