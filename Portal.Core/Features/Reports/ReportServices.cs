using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Reports;

public static class ReportServices
{
    /// <summary>
    /// Legacy reports: they queue report jobs on the scheduler and compute on loaded bundles, so
    /// the host that runs the scheduler registers them (after <see cref="SimulationServices.AddSimulations"/>).
    /// </summary>
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddScoped<ReportJobs>();
        services.AddScoped<ReportComputation>();
        services.AddScoped<ISimulationJobExecutor, ReportExecutor>();
        services.AddScoped<ISimulationJobExecutor, ReportReplayExecutor>();
        services.AddScoped<CreateLegacyPolicyHandler>();
        services.AddScoped<CreateLegacyHouseholdHandler>();
        services.AddScoped<CreateReportSimulationHandler>();
        services.AddScoped<CreateReportHandler>();
        services.AddScoped<GetReportHandler>();
        services.AddScoped<ListReportsHandler>();
        services.AddScoped<GetEconomyHandler>();
        services.AddScoped<PlanRerunHandler>();
        services.AddScoped<RerunReportHandler>();
        return services;
    }
}
