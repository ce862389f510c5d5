using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Portal.Core;
using Portal.Core.Data;
using Portal.Core.Data.Migrations;

namespace Portal.Tests.Unit;

public sealed class DatabaseSettingsTests
{
    private static readonly PortalPaths Paths = new("/srv/portal-data");

    private static DatabaseSettings From(params (string Key, string Value)[] values) =>
        DatabaseSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(), Paths);

    [Fact]
    public void Defaults_to_sqlite_in_the_data_directory()
    {
        var settings = From();
        Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
        Assert.Equal("/srv/portal-data/portal.db", new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource);
    }

    [Fact]
    public void Relative_database_path_is_inside_the_data_directory() =>
        Assert.Equal("/srv/portal-data/other/p.db", new SqliteConnectionStringBuilder(From(("Database:Path", "other/p.db")).ConnectionString).DataSource);

    [Fact]
    public void Absolute_database_path_is_used_as_is() =>
        Assert.Equal("/tmp/x.db", new SqliteConnectionStringBuilder(From(("Database:Path", "/tmp/x.db")).ConnectionString).DataSource);

    [Theory]
    [InlineData("Postgres")]
    [InlineData("postgresql")]
    [InlineData("NPGSQL")]
    public void Postgres_takes_the_portal_connection_string(string provider)
    {
        var settings = From(("Database:Provider", provider), ("ConnectionStrings:Portal", "Host=db;Database=portal;Username=u;Password=secret"));
        Assert.Equal(DatabaseProvider.Postgres, settings.Provider);
        Assert.Equal("PostgreSQL db:5432/portal", settings.Describe());
        Assert.DoesNotContain("secret", settings.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_a_clear_start_up_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("Database:Provider", "Postgres")));
        Assert.Contains("ConnectionStrings__Portal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_provider_is_a_clear_start_up_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("Database:Provider", "SqlServer")));
        Assert.Contains("'SqlServer' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_checksums_ignore_line_endings()
    {
        var unix = new MigrationScript(1, "x", "CREATE TABLE a (b int);\nSELECT 1;\n");
        var windows = new MigrationScript(1, "x", "CREATE TABLE a (b int);\r\nSELECT 1;\r\n");
        Assert.Equal(unix.Checksum, windows.Checksum);
        Assert.NotEqual(unix.Checksum, new MigrationScript(1, "x", "CREATE TABLE a (c int);\n").Checksum);
    }
}
