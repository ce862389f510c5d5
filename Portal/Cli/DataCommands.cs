using System.CommandLine;
using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Features.DataReleases;

namespace Portal.Cli;

/// <summary><c>portal data …</c>: generate, verify and inspect data releases.</summary>
public static class DataCommands
{
    public static Command Create()
    {
        var data = new Command("data", "Synthetic microdata releases: generate, verify, inspect.");
        data.Subcommands.Add(Generate());
        data.Subcommands.Add(Verify());
        data.Subcommands.Add(List());
        data.Subcommands.Add(Inspect());
        return data;
    }

    private static Command Generate()
    {
        var country = new Option<string>("--country") { Description = "us or uk.", Required = true };
        country.AcceptOnlyFromAmong(DataReleaseRules.Countries);
        var version = new Option<string>("--version") { Description = "Release version (semver), e.g. 2024.1.0.", Required = true };
        var households = new Option<int>("--households") { Description = "Number of households.", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<long>("--seed") { Description = "Random seed: the same seed gives the same bytes.", DefaultValueFactory = _ => 42 };
        var clones = new Option<int>("--clones") { Description = "Clones per household in the calibration package (0 = none).", DefaultValueFactory = _ => 0 };
        var period = new Option<int>("--period") { Description = "Year the data describes.", DefaultValueFactory = _ => 2024 };
        var compress = new Option<bool>("--compress") { Description = "Chunked datasets with shuffle + deflate (smaller files)." };
        var command = new Command("generate", "Generate a synthetic population, store it as HDF5 artifacts and register the release.")
        {
            country, version, households, seed, clones, period, compress,
        };
        command.SetAction((parse, ct) => PortalCli.WithServicesAsync(async services =>
        {
            var request = new GenerateDataReleaseRequest(parse.GetValue(country)!, parse.GetValue(version)!, parse.GetValue(households),
                parse.GetValue(seed), parse.GetValue(clones), parse.GetValue(period), parse.GetValue(compress));
            var result = await services.GetRequiredService<GenerateDataReleaseHandler>().HandleAsync(request, Actor.Operator, ct);
            if (!result.Succeeded)
            {
                return PortalCli.Fail(result.Problem!);
            }

            var generated = result.Value!;
            var release = generated.Release.Release;
            var calibration = generated.CalibrationRakingMaxDeviation is { } c ? string.Create(CultureInfo.InvariantCulture, $" (calibration {c:E2})") : "";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Generated {release.Country}@{release.Version} in {generated.Elapsed.TotalSeconds:F2} s; max weighted population deviation {generated.RakingMaxDeviation:E2}{calibration}"));
            foreach (var artifact in generated.Release.Artifacts)
            {
                Console.Error.WriteLine($"  {artifact.Name,-12} {artifact.Sha256} {artifact.SizeBytes,12:N0} bytes  {string.Join(", ", artifact.Rows.Select(r => $"{r.Key}={r.Value}"))}");
            }

            Console.WriteLine(release.ManifestRevision);
            return 0;
        }));
        return command;
    }

    private static Command Verify()
    {
        var reference = new Option<string>("--release") { Description = "country@version, e.g. us@2024.1.0.", Required = true };
        var command = new Command("verify", "Re-hash the manifest and every artifact of a release; exit 1 on any mismatch.") { reference };
        command.SetAction((parse, ct) =>
        {
            if (!DataReleaseRules.TryParseReference(parse.GetValue(reference), out var country, out var version))
            {
                throw new CliException("--release must look like us@2024.1.0.");
            }

            return PortalCli.WithServicesAsync(async services =>
            {
                var result = await services.GetRequiredService<VerifyDataReleaseHandler>().HandleAsync(country, version, ct);
                if (!result.Succeeded)
                {
                    return PortalCli.Fail(result.Problem!);
                }

                var check = result.Value!;
                Console.WriteLine($"{(check.ManifestOk ? "ok  " : "FAIL")} manifest    {check.ManifestRevision}");
                foreach (var a in check.Artifacts)
                {
                    Console.WriteLine($"{(a.Ok ? "ok  " : "FAIL")} {a.Name,-11} {a.Sha256}{(a.Ok ? "" : a.ActualSha256 is null ? " (missing)" : $" (bytes hash to {a.ActualSha256})")}");
                }

                return check.Ok ? 0 : 1;
            });
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List registered data releases.");
        command.SetAction((parse, ct) => PortalCli.WithServicesAsync(async services =>
        {
            foreach (var r in await services.GetRequiredService<ListDataReleasesHandler>().HandleAsync(null, ct))
            {
                Console.WriteLine($"{r.Country}@{r.Version,-20} {r.ManifestRevision} {r.ArtifactCount} artifact(s) {r.CreatedUtc:u}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Inspect()
    {
        var file = new Argument<FileInfo>("file") { Description = "An HDF5 file." };
        var command = new Command("inspect", "Print the group/dataset tree of an HDF5 file with dtypes and shapes.") { file };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                throw new CliException($"{path.FullName} does not exist.");
            }

            try
            {
                Portal.Core.Microdata.H5Tree.Print(path.FullName, Console.Out);
            }
            catch (Portal.Core.Hdf5.Hdf5FormatException e)
            {
                throw new CliException($"{path.FullName}: {e.Message}");
            }

            return 0;
        });
        return command;
    }
}
