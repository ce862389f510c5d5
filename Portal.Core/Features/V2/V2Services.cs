using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Aggregates;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.V2;

public static class V2Services
{
    /// <summary>
    /// v2 simulations and aggregates: they queue Quartz jobs and compute on loaded bundles, so only
    /// the host that runs the scheduler registers them (after <see cref="SimulationServices.AddSimulations"/>).
    /// </summary>
    public static IServiceCollection AddV2Simulations(this IServiceCollection services)
    {
        services.AddSingleton<V2SimulationCache>();
        services.AddScoped<ISimulationJobExecutor, V2SimulationExecutor>();
        services.AddScoped<SubmitSimulationHandler>();
        services.AddScoped<GetSimulationHandler>();
        services.AddScoped<ListSimulationsHandler>();
        services.AddAggregates();
        return services;
    }
}
