using Portal.Cli;
using Portal.Hosting;

// `dotnet run --project Portal -- admin …` / `db …` runs a CLI verb against the same configuration
// and data directory as the server, then exits.
if (PortalCli.Handles(args))
{
    return await PortalCli.RunAsync(args);
}

var options = StartupOptions.Parse(args);
var builder = WebApplication.CreateBuilder(options.HostArgs);
builder.AddPortalServices();

var app = builder.Build();
try
{
    await app.PreparePortalAsync(options);
}
catch (PortalStartupException e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 1;
}

app.UsePortalPipeline();
app.MapPortalEndpoints();
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
