namespace Portal.E2E.Infrastructure;

/// <summary>
/// One portal process per test class (xunit class fixture): started before the first test,
/// killed and its data directory deleted after the last.
/// </summary>
public abstract class PortalFixture : IAsyncLifetime
{
    private PortalProcess? _portal;

    public PortalProcess Portal => _portal ?? throw new InvalidOperationException("The fixture is not initialised.");

    protected abstract string Name { get; }

    public async Task InitializeAsync()
    {
        _portal = PortalProcess.Create(Name);
        try
        {
            await SeedAsync(_portal);
            await _portal.StartAsync();
        }
        catch
        {
            // Clean up at once rather than rely on xunit disposing a fixture that failed to initialise.
            await _portal.DisposeAsync();
            _portal = null;
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
    }

    /// <summary>Runs before the server starts, so CLI verbs never compete with it for the database.</summary>
    protected virtual Task SeedAsync(PortalProcess portal) => Task.CompletedTask;
}

/// <summary>A portal that has never been set up: no users at all.</summary>
public sealed class FirstRunPortalFixture : PortalFixture
{
    protected override string Name => "first-run";
}

/// <summary>A portal whose administrator (<see cref="TestAccounts.Admin"/>) was created with the CLI.</summary>
public sealed class AdminPortalFixture : PortalFixture
{
    protected override string Name => "admin";

    protected override Task SeedAsync(PortalProcess portal) => portal.CreateUserAsync(TestAccounts.Admin);
}
