using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Data.Migrations;

namespace Portal.Cli;

/// <summary><c>portal db …</c>: schema status, migration, and the EF model's DDL for writing new migrations.</summary>
public static class DbCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Database schema tools.");

        var migrate = new Command("migrate", "Apply pending schema migrations (the server also does this at start-up).");
        migrate.SetAction((parse, ct) => PortalCli.WithServicesAsync(async services =>
        {
            var status = await services.GetRequiredService<SchemaMigrator>().GetStatusAsync(ct);
            Console.WriteLine($"{services.GetRequiredService<DatabaseSettings>().Describe()}: schema version {status.CurrentVersion} of {status.LatestVersion}.");
            return 0;
        }));
        db.Subcommands.Add(migrate);

        var provider = new Option<string>("--provider") { Description = "sqlite or postgres.", DefaultValueFactory = _ => "sqlite" };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var script = new Command("script", "Print the CREATE script EF Core derives from the current model. Diff it against the migration scripts to write the next one.") { provider };
        script.SetAction(parse =>
        {
            Console.WriteLine(GenerateCreateScript(DatabaseSettings.ParseProvider(parse.GetValue(provider))));
            return 0;
        });
        db.Subcommands.Add(script);
        return db;
    }

    /// <summary>EF's DDL for the model; no connection is opened.</summary>
    public static string GenerateCreateScript(DatabaseProvider provider)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        new DatabaseSettings(provider, provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=localhost;Database=portal").Configure(options);
        using var context = new PortalDbContext(options.Options);
        return context.Database.GenerateCreateScript();
    }
}
