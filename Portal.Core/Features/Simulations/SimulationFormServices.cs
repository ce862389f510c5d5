using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Features.Simulations;

public static class SimulationFormServices
{
    /// <summary>The read-only use cases behind the simulation submit form (they need no scheduler, unlike <c>AddSimulations</c>).</summary>
    public static IServiceCollection AddSimulationForms(this IServiceCollection services)
    {
        services.AddScoped<SimulationFormOptionsHandler>();
        services.AddScoped<SearchReformParametersHandler>();
        return services;
    }
}
