using System.CommandLine;
using System.Globalization;
using Portal.Core;
using Portal.Core.Features.DataReleases;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Cli;

/// <summary><c>portal publish …</c>: local-area H5 files from a data release (docs/local-h5.md).</summary>
public static class PublishCommands
{
    public static Command Create()
    {
        var publish = new Command("publish", "Local-area and national H5 publishing from a data release.");
        publish.Subcommands.Add(BuildArea());
        return publish;
    }

    private static Command BuildArea()
    {
        var reference = new Option<string>("--release") { Description = "country@version, e.g. us@2024.1.0 (needs a calibration artifact).", Required = true };
        var area = new Option<string>("--area") { Description = "Output path or key of a catalog area: states/CA, districts/CA-12, cities/NYC, national/US, state:CA.", Required = true };
        var output = new Option<string>("--output") { Description = "Directory the area file is written under (e.g. <dir>/states/CA.h5).", Required = true };
        var noValidation = new Option<bool>("--no-validation") { Description = "Skip structural and target checks." };
        var command = new Command("build-area", "Build one area's H5 file (LocalH5.BuildH5) and print its path, sha256, counts and validation.")
        {
            reference, area, output, noValidation,
        };
        command.SetAction((parse, ct) =>
        {
            if (!DataReleaseRules.TryParseReference(parse.GetValue(reference), out var country, out var version))
            {
                throw new CliException("--release must look like us@2024.1.0.");
            }

            return PortalCli.WithServicesAsync(async services =>
            {
                var release = await services.GetRequiredService<GetDataReleaseHandler>().HandleAsync(country, version, ct);
                if (!release.Succeeded)
                {
                    return PortalCli.Fail(release.Problem!);
                }

                var manifest = DataReleaseManifest.Parse(release.Value!.ManifestJson);
                PublishingInputs inputs;
                try
                {
                    inputs = PublishingInputs.FromManifest($"{country}@{version}", manifest, services.GetRequiredService<PortalPaths>().Artifacts);
                }
                catch (ArgumentException e)
                {
                    throw new CliException(e.Message);
                }

                using var source = SourceSnapshot.Open(inputs, services.GetRequiredService<PortalPaths>().Artifacts);
                var catalog = AreaCatalog.FromCalibration(country, source);
                var request = catalog.Find(parse.GetValue(area)!)
                    ?? throw new CliException($"No area '{parse.GetValue(area)}' in the {country} catalog; e.g. {string.Join(", ", catalog.Areas.Take(3).Select(a => a.OutputRelativePath))}.");
                var policy = parse.GetValue(noValidation) ? ValidationPolicy.Default with { Enabled = false } : ValidationPolicy.Default;
                var result = LocalH5.BuildH5(request, source, Path.GetFullPath(parse.GetValue(output)!), policy, ct);
                foreach (var issue in result.Validation.Issues)
                {
                    Console.Error.WriteLine($"  {issue.Severity.ToString().ToLowerInvariant(),-7} {issue.Code}: {issue.Message}");
                }

                if (result.Status != AreaBuildStatus.Completed)
                {
                    Console.Error.WriteLine($"error: {request.Key} failed: {result.BuildError}");
                    return 1;
                }

                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{request.Key}: {result.Households:N0} households, {result.Persons:N0} persons, weight {result.WeightTotal:N0}, {result.SizeBytes:N0} bytes in {result.Duration.TotalSeconds:F2} s; validation {result.Validation.Summary}"));
                Console.WriteLine($"{result.Sha256}  {result.OutputPath}");
                return 0;
            });
        });
        return command;
    }
}
