using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Features.Policies;

public static class PolicyServices
{
    /// <summary>Policy use cases (web host and CLI alike: they need no scheduler).</summary>
    public static IServiceCollection AddPolicies(this IServiceCollection services)
    {
        services.AddScoped<CreatePolicyHandler>();
        services.AddScoped<ListPoliciesHandler>();
        services.AddScoped<GetPolicyHandler>();
        return services;
    }
}
