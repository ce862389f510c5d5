using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Features.Aggregates;

public static class AggregateServices
{
    /// <summary>Aggregate use cases (they compute on loaded bundles: registered with the v2 simulations).</summary>
    public static IServiceCollection AddAggregates(this IServiceCollection services)
    {
        services.AddScoped<CreateAggregatesHandler>();
        services.AddScoped<ListAggregatesHandler>();
        services.AddScoped<GetAggregateHandler>();
        services.AddScoped<CreateChangeAggregatesHandler>();
        services.AddScoped<ListChangeAggregatesHandler>();
        services.AddScoped<GetChangeAggregateHandler>();
        return services;
    }
}
