using Portal.Cli;
using Portal.Core.Engine;

namespace Portal.Tests.Engine;

[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary><c>portal model …</c> verbs, run in-process with the console captured.</summary>
[Collection("Console")]
public sealed class ModelCliTests
{
    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await PortalCli.RunAsync(args);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    [Fact]
    public async Task Test_prints_each_case_and_exits_zero_when_all_pass()
    {
        var (exit, output, _) = await Run("model", "test", "--dir", EnginePackages.FixtureCountries, "--country", "xx");
        Assert.Equal(0, exit);
        Assert.Contains("xx 1.0.0: 3 passed, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("  PASS Couple with two children in the south, 2025 (tests/households.yaml:16)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_fails_with_the_difference_and_a_non_zero_exit()
    {
        using var temp = EnginePackages.Copy(withTests: true);
        var tests = Path.Combine(EnginePackages.ReleaseOf(temp), "tests", "households.yaml");
        File.WriteAllText(tests, File.ReadAllText(tests).Replace("income_tax: 7486", "income_tax: 7000", StringComparison.Ordinal));
        var (exit, output, _) = await Run("model", "test", "--dir", Path.Combine(temp.Path, "Countries"));
        Assert.Equal(1, exit);
        Assert.Contains("FAIL Single adult", output, StringComparison.Ordinal);
        Assert.Contains("income_tax[you]: expected 7000, got 7486", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_errors_are_one_line_without_stack_traces()
    {
        var (exit, _, error) = await Run("model", "test", "--dir", EnginePackages.FixtureCountries, "--country", "zz");
        Assert.Equal((1, "error: no release matches --country zz"), (exit, error.Trim()));

        (exit, _, error) = await Run("model", "hash", "no/such/folder");
        Assert.Equal(1, exit);
        Assert.Equal($"error: no such folder: {Path.GetFullPath("no/such/folder")}", error.Trim());

        using var temp = EnginePackages.Copy(new Dictionary<string, string> { ["variables/extra.yaml"] = "x:\n  entity: person\n  value_type: float\n  formula: agee\n" });
        (exit, var output, _) = await Run("model", "test", "--dir", Path.Combine(temp.Path, "Countries"));
        Assert.Equal(1, exit);
        Assert.Contains("BROKEN xx 1.0.0: xx/1.0.0/variables/extra.yaml:4:12: unknown variable 'agee' (did you mean 'age'?)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hash_resolves_relative_paths_against_the_current_directory()
    {
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Path.Combine(EnginePackages.FixtureCountries, "xx");
        try
        {
            var (exit, output, _) = await Run("model", "hash", "1.0.0");
            Assert.Equal(0, exit);
            Assert.Equal(EnginePackages.Xx.Sha256, output.Trim());
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public async Task Lock_writes_the_lock_file_and_refuses_changed_releases()
    {
        using var temp = EnginePackages.Copy(withTests: true);
        var countries = Path.Combine(temp.Path, "Countries");
        var (exit, listing, _) = await Run("model", "list", "--dir", countries);
        Assert.Equal(0, exit);
        Assert.Contains("unlocked", listing, StringComparison.Ordinal);

        (exit, var output, _) = await Run("model", "lock", "--country", "xx", "--dir", countries);
        Assert.Equal(0, exit);
        Assert.Equal($"locked xx 1.0.0 {EnginePackages.Xx.Sha256}", output.Trim());
        Assert.Single(ModelCatalog.Load(countries, allowUnlocked: false).Models);
        Assert.False(File.Exists(Path.Combine(countries, "xx", ReleaseLockFile.FileName + ".tmp")));

        File.AppendAllText(Path.Combine(countries, "xx", "1.0.0", "package.yaml"), "# edit\n");
        (exit, _, var error) = await Run("model", "lock", "--country", "xx", "--dir", countries);
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: xx 1.0.0 is locked with sha256 {EnginePackages.Xx.Sha256} but now hashes to", error, StringComparison.Ordinal);
        (exit, listing, _) = await Run("model", "list", "--dir", countries);
        Assert.Equal(1, exit);
        Assert.Contains("changed", listing, StringComparison.Ordinal);
    }
}
