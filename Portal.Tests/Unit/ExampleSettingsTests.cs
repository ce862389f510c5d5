using Portal.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Portal.Core;
using Portal.Core.Features.Simulations;
using Portal.Core.Jobs;
using Portal.Hosting;

namespace Portal.Tests.Unit;

/// <summary>appsettings.example.json documents every setting with its default; these tests keep it honest.</summary>
public sealed class ExampleSettingsTests
{
    private static readonly IConfigurationRoot Example = new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(RepositoryLayout.Root, "appsettings.example.json"), optional: false)
        .Build();

    [Fact]
    public void Documented_defaults_are_the_code_defaults()
    {
        Assert.Equal(PortalPaths.DefaultDataDir, Example[PortalPaths.DataDirKey]);
        Assert.Equal("Sqlite", Example["Database:Provider"]);
        Assert.Equal("portal.db", Example["Database:Path"]);
        Assert.Equal(PortalServiceExtensions.DefaultUrl, Example["Urls"]);

        AssertSameProperties(new SchedulerSettings(), Example.GetSection(SchedulerSettings.Section).Get<SchedulerSettings>()!);
        AssertSameProperties(new MaintenanceOptions(), Example.GetSection(MaintenanceOptions.Section).Get<MaintenanceOptions>()!);
        AssertSameProperties(new SimulationOptions(), Example.GetSection(SimulationOptions.Section).Get<SimulationOptions>()!);
        AssertSameProperties(new FileLoggerOptions(), Example.GetSection("Logging:File").Get<FileLoggerOptions>()!);
    }

    [Fact]
    public void Every_option_property_is_documented()
    {
        foreach (var (section, type) in new[] { (SchedulerSettings.Section, typeof(SchedulerSettings)), (MaintenanceOptions.Section, typeof(MaintenanceOptions)), (SimulationOptions.Section, typeof(SimulationOptions)), ("Logging:File", typeof(FileLoggerOptions)) })
        {
            foreach (var property in type.GetProperties())
            {
                Assert.True(Example.GetSection($"{section}:{property.Name}").Exists(), $"{section}:{property.Name} is not in appsettings.example.json");
            }
        }
    }

    [Fact]
    public void The_shipped_appsettings_agree_with_the_example()
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryLayout.Root, "Portal", "appsettings.json")).Build();
        foreach (var (key, value) in shipped.AsEnumerable().Where(kv => kv.Value is not null))
        {
            Assert.Equal(value, Example[key]);
        }
    }

    private static void AssertSameProperties<T>(T expected, T actual)
    {
        foreach (var property in typeof(T).GetProperties())
        {
            Assert.Equal(property.GetValue(expected), property.GetValue(actual));
        }
    }
}
