using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Core;
using Portal.Core.Common;
using Portal.Core.Data.Migrations;
using Portal.Core.Features.Users;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Portal.Core's services exactly as the host wires them (AddPortalCore), over a fresh, migrated
/// SQLite database, without the web server: for testing use cases directly.
/// </summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly IHost _host;

    private CoreServices(TempDirectory dir, IHost host)
    {
        _dir = dir;
        _host = host;
    }

    public IServiceProvider Services => _host.Services;

    public string DataDir => _dir.Path;

    public static async Task<CoreServices> StartAsync(TimeProvider? time = null)
    {
        var dir = new TempDirectory("portal-core");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("Portal:DataDir", dir.Path)]);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddLogging();
        builder.AddPortalCore();
        var host = builder.Build();
        await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
        return new CoreServices(dir, host);
    }

    /// <summary>Runs one use case in its own scope (one DbContext), as one request would.</summary>
    public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> action)
        where THandler : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    public async Task<UserSummary> CreateUserAsync(string email, params string[] roles)
    {
        var result = await RunAsync<CreateUserHandler, Result<UserSummary>>(h =>
            h.HandleAsync(new CreateUserRequest(email, null, TestPasswords.Strong, roles), Actor.Operator));
        Assert.True(result.Succeeded, result.Problem?.Describe());
        return result.Value!;
    }

    public static Actor ActorFor(UserSummary user) => new(user.Id, user.Email, user.Roles.ToHashSet(StringComparer.Ordinal));

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>A clock the test moves by hand, for expiry rules.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
