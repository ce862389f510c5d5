using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

public static class RunServices
{
    /// <summary>
    /// The run registry and Engine's run use cases. Runs execute as gateway jobs, so this needs the
    /// scheduler and is registered after <see cref="SimulationServices.AddSimulations"/>; the recorder
    /// joins the runner as its completion hook.
    /// </summary>
    public static IServiceCollection AddRuns(this IServiceCollection services)
    {
        services.AddSingleton<RunArtifactStore>();
        services.AddScoped<RunArtifactWriter>();
        services.AddScoped<ReportRunRecorder>();
        services.AddScoped<RunRecorder>();
        services.AddScoped<ISimulationJobCompletionHook>(sp => sp.GetRequiredService<RunRecorder>());
        services.AddScoped<RunRecovery>();
        services.AddHostedService<RunRecoveryService>();
        services.AddScoped<RunExecution>();
        services.AddScoped<StartRunHandler>();
        services.AddScoped<ReportReplay>();
        services.AddScoped<ReplayRunHandler>();
        services.AddScoped<ListRunsHandler>();
        services.AddScoped<GetRunHandler>();
        services.AddScoped<GetRunViewHandler>();
        services.AddScoped<GetRunFileHandler>();
        services.AddScoped<CompareRunsHandler>();
        services.AddSingleton<RunBackfill>();
        return services;
    }
}
