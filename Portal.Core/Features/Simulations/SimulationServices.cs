using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Portal.Core.Features.Simulations;

public static class SimulationServices
{
    /// <summary>
    /// The gateway's workers and use cases: the bundle runtime (a singleton holding loaded
    /// populations), the job queue and runner, and one <see cref="ISimulationJobExecutor"/> per job
    /// kind. Needs a Quartz scheduler, so only the web host registers it.
    /// </summary>
    public static IServiceCollection AddSimulations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(SimulationOptions.From(configuration));
        services.AddSingleton<BundleRuntime>();
        services.AddSingleton<JobResultCache>();
        services.AddScoped<SimulationJobQueue>();
        services.AddScoped<SimulationJobRunner>();
        services.AddHostedService<SimulationJobRecovery>();

        services.AddScoped<EconomyComparisonExecutor>();
        services.AddScoped<BudgetWindowYearExecutor>();
        services.AddScoped<BudgetWindowExecutor>();
        services.AddScoped<ISimulationJobExecutor>(sp => sp.GetRequiredService<EconomyComparisonExecutor>());
        services.AddScoped<ISimulationJobExecutor>(sp => sp.GetRequiredService<BudgetWindowYearExecutor>());
        services.AddScoped<ISimulationJobExecutor>(sp => sp.GetRequiredService<BudgetWindowExecutor>());

        services.AddScoped<GatewayBundleResolver>();
        services.AddScoped<GatewayPreparation>();
        services.AddScoped<SubmitEconomyComparisonHandler>();
        services.AddScoped<SubmitBudgetWindowHandler>();
        services.AddScoped<GetSimulationJobHandler>();
        services.AddScoped<ListSimulationJobsHandler>();
        return services;
    }
}

/// <summary>At start-up, queues again the jobs the database says are pending but the scheduler no longer holds.</summary>
internal sealed class SimulationJobRecovery(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SimulationJobQueue>().RequeueOrphansAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
