using System.CommandLine;
using Portal.Core.Engine;

namespace Portal.Cli;

/// <summary>
/// <c>portal model …</c>: inspect, test, hash and lock country model packages. No database needed.
/// Relative paths are resolved against the current directory.
/// </summary>
public static class ModelCommands
{
    public static Command Create()
    {
        var model = new Command("model", "Country model packages: list, test, hash and lock releases.");
        model.Subcommands.Add(List());
        model.Subcommands.Add(Test());
        model.Subcommands.Add(Lock());
        model.Subcommands.Add(Hash());
        return model;
    }

    private static Option<string?> DirOption() => new("--dir")
    {
        Description = $"The Countries folder (default: the one shipped next to Portal, {ModelOptions.DefaultDirectory}).",
    };

    /// <summary>An explicit --dir must exist; the default folder may be absent (no packages shipped yet).</summary>
    private static string Directory(string? dir)
    {
        if (string.IsNullOrWhiteSpace(dir))
        {
            return ModelOptions.DefaultDirectory;
        }

        var path = Path.GetFullPath(dir);
        return System.IO.Directory.Exists(path) ? path : throw new CliException($"no such folder: {path}");
    }

    /// <summary>
    /// File-system errors become one line on stderr and exit code 1, never a stack trace
    /// (<see cref="CliException"/> and <see cref="ModelLoadException"/> are reported by <see cref="PortalCli.RunAsync"/>).
    /// </summary>
    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static Command List()
    {
        var dir = DirOption();
        var command = new Command("list", "List every release with its hash and lock state (locked, unlocked, changed, broken).") { dir };
        command.SetAction(parse => Guard(() =>
        {
            var releases = ModelCatalog.Inspect(Directory(parse.GetValue(dir)));
            if (releases.Count == 0)
            {
                Console.Error.WriteLine("No country model releases found.");
                return 0;
            }

            foreach (var r in releases)
            {
                Console.WriteLine($"{r.Country,-4} {r.Version,-10} {r.State.ToString().ToLowerInvariant(),-9} {r.Sha256 ?? "-"}  {r.Model?.Name ?? r.Error}");
            }

            return releases.Any(r => r.State is ReleaseState.Broken or ReleaseState.Changed) ? 1 : 0;
        }));
        return command;
    }

    private static Command Test()
    {
        var dir = DirOption();
        var country = new Option<string?>("--country") { Description = "Only this country (e.g. us)." };
        var version = new Option<string?>("--version") { Description = "Only this version (needs --country)." };
        var command = new Command("test", "Run the YAML test cases of releases; exits non-zero when any case fails.") { dir, country, version };
        command.SetAction(parse => Guard(() =>
        {
            var selected = ModelCatalog.Inspect(Directory(parse.GetValue(dir)))
                .Where(r => parse.GetValue(country) is not { } c || string.Equals(r.Country, c, StringComparison.OrdinalIgnoreCase))
                .Where(r => parse.GetValue(version) is not { } v || r.Version == v)
                .ToList();
            if (selected.Count == 0)
            {
                throw new CliException($"no release matches{(parse.GetValue(country) is { } c ? $" --country {c}" : "")}{(parse.GetValue(version) is { } v ? $" --version {v}" : "")}");
            }

            var failed = 0;
            foreach (var release in selected)
            {
                if (release.Model is null)
                {
                    Console.WriteLine($"BROKEN {release.Country} {release.Version}: {release.Error}");
                    failed++;
                    continue;
                }

                var report = ModelTestRunner.Run(release.Model);
                Console.WriteLine($"{release.Country} {release.Version}: {report.PassedCount} passed, {report.FailedCount} failed");
                foreach (var result in report.Results)
                {
                    Console.WriteLine($"  {(result.Passed ? "PASS" : "FAIL")} {result.Case.Name} ({result.Case.SourceFile}:{result.Case.SourceLine})");
                    if (result.Error is not null)
                    {
                        Console.WriteLine($"       {result.Error}");
                    }

                    foreach (var check in result.Checks.Where(c => !c.Passed))
                    {
                        Console.WriteLine($"       {check.Variable}[{check.Instance}]: expected {check.Expected}, got {check.Actual}");
                    }
                }

                failed += report.FailedCount;
            }

            return failed == 0 ? 0 : 1;
        }));
        return command;
    }

    private static Command Lock()
    {
        var dir = DirOption();
        var country = new Option<string>("--country") { Description = "The country whose releases to lock.", Required = true };
        var command = new Command("lock", "Add every unlocked release of a country to its releases.lock.json (released versions never change).") { dir, country };
        command.SetAction(parse => Guard(() =>
        {
            var root = Directory(parse.GetValue(dir));
            var name = parse.GetValue(country)!;
            var releases = ModelCatalog.Inspect(root).Where(r => r.Country == name).ToList();
            if (releases.Count == 0)
            {
                throw new CliException($"no releases of country '{name}' under {root}");
            }

            if (releases.FirstOrDefault(r => r.State == ReleaseState.Broken) is { } broken)
            {
                throw new CliException($"cannot lock a broken release: {broken.Error}");
            }

            if (releases.FirstOrDefault(r => r.State == ReleaseState.Changed) is { } changed)
            {
                throw new CliException(
                    $"{changed.Country} {changed.Version} is locked with sha256 {changed.LockedSha256} but now hashes to {changed.Sha256}; " +
                    "restore the released files or publish the change as a new version");
            }

            var countryDir = Path.Combine(root, name);
            var entries = ReleaseLockFile.Read(countryDir).ToList();
            var added = releases.Where(r => r.State == ReleaseState.Unlocked).ToList();
            entries.AddRange(added.Select(r => new ReleaseLock(r.Country, r.Version, r.Sha256!)));
            ReleaseLockFile.Write(countryDir, entries);
            foreach (var r in added)
            {
                Console.WriteLine($"locked {r.Country} {r.Version} {r.Sha256}");
            }

            Console.Error.WriteLine(added.Count == 0 ? "Every release was already locked." : $"Wrote {Path.Combine(countryDir, ReleaseLockFile.FileName)}.");
            return 0;
        }));
        return command;
    }

    private static Command Hash()
    {
        var folder = new Argument<string>("DIR") { Description = "A release folder, e.g. Portal.Core/Countries/us/1.0.0." };
        var command = new Command("hash", "Print the release hash of a folder (the sha256 recorded in releases.lock.json).") { folder };
        command.SetAction(parse => Guard(() =>
        {
            var path = Path.GetFullPath(parse.GetValue(folder)!);
            if (!System.IO.Directory.Exists(path))
            {
                throw new CliException($"no such folder: {path}");
            }

            Console.WriteLine(ReleaseHash.Compute(path));
            return 0;
        }));
        return command;
    }
}
