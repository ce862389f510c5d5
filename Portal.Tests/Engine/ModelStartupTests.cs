using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Engine;

public sealed class ModelStartupTests
{
    private sealed class FixtureModelsFactory : PortalFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
            [new("Models:Directory", EnginePackages.FixtureCountries)];
    }

    [Fact]
    public async Task Start_up_loads_the_catalog_and_pins_every_release_in_the_database()
    {
        await using var factory = new FixtureModelsFactory();
        _ = factory.CreateClient();
        Assert.Equal("1.0.0", factory.Services.GetRequiredService<ModelCatalog>().Find("xx")!.Version);
        await using var scope = factory.Services.CreateAsyncScope();
        var release = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().ModelReleases.SingleAsync(r => r.Country == "xx");
        Assert.Equal(("1.0.0", EnginePackages.Xx.Sha256, "Fixture country"), (release.Version, release.Sha256, release.Name));
    }

    [Fact]
    public async Task A_broken_package_stops_the_server_with_one_line_and_exit_code_1()
    {
        using var data = new TempDirectory("portal-startup");
        using var temp = EnginePackages.Copy(new Dictionary<string, string> { ["variables/extra.yaml"] = "x:\n  entity: person\n  value_type: float\n  formula: agee\n" });
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "Portal.dll")));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                "Portal.dll", "--urls", "http://127.0.0.1:0", $"--Portal:DataDir={data.Path}",
                $"--Models:Directory={Path.Combine(temp.Path, "Countries")}", "--Models:AllowUnlocked=true", "--Logging:File:Enabled=false",
            },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(1, process.ExitCode);
        var errorLines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("error: country model package: xx/1.0.0/variables/extra.yaml:4:12: unknown variable 'agee' (did you mean 'age'?)", Assert.Single(errorLines));
        Assert.DoesNotContain("Unhandled exception", await stdout, StringComparison.Ordinal);
    }
}
