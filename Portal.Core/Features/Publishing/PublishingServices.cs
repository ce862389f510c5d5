using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Portal.Core.Features.Publishing;

public static class PublishingServices
{
    /// <summary>The publish coordinator, its Quartz job and the use cases. Needs a scheduler, so only the web host registers it.</summary>
    public static IServiceCollection AddPublishing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(PublishingOptions.From(configuration));
        services.AddScoped<PublishSources>();
        services.AddScoped<PublishRunQueue>();
        services.AddScoped<PublishCoordinator>();
        services.AddScoped<StartPublishHandler>();
        services.AddScoped<ListPublishRunsHandler>();
        services.AddScoped<GetPublishRunHandler>();
        services.AddScoped<OpenPublishedFileHandler>();
        services.AddScoped<GetPublishManifestHandler>();
        services.AddHostedService<PublishRunRecovery>();
        return services;
    }
}

/// <summary>At start-up, queues again the runs the database says are unfinished but the scheduler no longer holds.</summary>
internal sealed class PublishRunRecovery(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<PublishRunQueue>().RequeueOrphansAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
