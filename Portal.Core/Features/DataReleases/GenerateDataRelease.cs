using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Hdf5;
using Portal.Core.Identity;
using Portal.Core.Microdata;

namespace Portal.Core.Features.DataReleases;

/// <param name="Compress">Chunked datasets with shuffle + deflate (smaller files; bytes then also depend on the zlib build).</param>
public sealed record GenerateDataReleaseRequest(string Country, string Version, int Households, long Seed, int Clones = 0, int Period = 2024, bool Compress = false);

public sealed record GeneratedDataRelease(DataReleaseDetail Release, double RakingMaxDeviation, double? CalibrationRakingMaxDeviation, TimeSpan Elapsed);

/// <summary>
/// Generates a synthetic population (and optionally its calibration package), writes each as
/// HDF5 into the artifact store and registers the release. Files are built in the store's
/// staging directory and moved in only when complete; the database row is one transaction.
/// </summary>
public sealed class GenerateDataReleaseHandler(PortalDbContext db, IArtifactStore store, RegisterDataReleaseHandler register)
{
    public const string GeneratorName = "portal-synthetic";
    public const int GeneratorVersion = 1;
    public const int CompressedChunkElements = 1 << 16;

    public async Task<Result<GeneratedDataRelease>> HandleAsync(GenerateDataReleaseRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanPublish, actor.Roles))
        {
            return Problem.Forbidden("Generating data releases needs the Maintainer or Admin role.");
        }

        var validation = new Validation()
            .RequireRelease(request.Country, request.Version)
            .Require(request.Households is >= SyntheticOptions.MinHouseholds and <= SyntheticOptions.MaxHouseholds, "households",
                $"Households must be between {SyntheticOptions.MinHouseholds:N0} and {SyntheticOptions.MaxHouseholds:N0}.")
            .Require(request.Seed >= 0, "seed", "Seed must be zero or positive.")
            .Require(request.Clones is >= 0 and <= SyntheticOptions.MaxClones, "clones", $"Clones must be between 0 and {SyntheticOptions.MaxClones}.")
            .Require(request.Period is >= 2000 and <= 2100, "period", "Period must be a year between 2000 and 2100.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (await db.DataReleases.AnyAsync(r => r.Country == request.Country && r.Version == request.Version, ct))
        {
            return Problem.Conflict($"{request.Country}@{request.Version} already exists. Releases are immutable: choose a new version.");
        }

        var clock = Stopwatch.StartNew();
        var options = new SyntheticOptions(request.Country, request.Households, (ulong)request.Seed, request.Period, request.Clones);
        var staging = Path.Combine(store.StagingDirectory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            var artifacts = new List<ManifestArtifact>();
            var layout = request.Compress ? H5Layout.Chunked(CompressedChunkElements, deflateLevel: 4, shuffle: true) : H5Layout.Contiguous;
            var attributes = new Dictionary<string, string> { ["generator"] = GeneratorName, ["version"] = request.Version, ["synthetic"] = "true" };
            var national = SyntheticGenerator.Generate(options);
            var nationalDeviation = SyntheticGenerator.PopulationDeviation(national.Raking);
            artifacts.Add(await StoreAsync(DataReleaseManifest.NationalArtifact, $"{request.Country}_{request.Period}.h5", national, periodGroups: true, attributes, layout, staging, ct));

            double? calibrationDeviation = null;
            if (request.Clones > 0)
            {
                var calibration = SyntheticGenerator.GenerateCalibration(options, national);
                calibrationDeviation = SyntheticGenerator.PopulationDeviation(calibration.Raking);
                artifacts.Add(await StoreAsync(DataReleaseManifest.CalibrationArtifact, $"{request.Country}_{request.Period}_calibration.h5", calibration, periodGroups: false, attributes, layout, staging, ct));
            }

            var generator = new Dictionary<string, JsonNode?>
            {
                ["name"] = GeneratorName,
                ["version"] = GeneratorVersion,
                ["seed"] = request.Seed,
                ["households"] = request.Households,
                ["clones"] = request.Clones,
                ["synthetic"] = true,
                ["layout"] = request.Compress ? "chunked-shuffle-deflate4" : "contiguous",
                ["raking_max_deviation"] = nationalDeviation,
            };
            if (calibrationDeviation is { } c)
            {
                generator["calibration_raking_max_deviation"] = c;
            }

            var manifest = new DataReleaseManifest(request.Country, request.Version, request.Period, artifacts, generator);
            var registered = await register.HandleAsync(manifest, actor, ct);
            return registered.Succeeded
                ? new GeneratedDataRelease(registered.Value!, nationalDeviation, calibrationDeviation, clock.Elapsed)
                : registered.Problem!;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private async Task<ManifestArtifact> StoreAsync(string name, string fileName, MicrodataSet set, bool periodGroups, Dictionary<string, string> attributes, H5Layout layout, string staging, CancellationToken ct)
    {
        var file = Path.Combine(staging, fileName);
        MicrodataFile.Write(set, file, periodGroups, attributes, layout);
        var stored = await store.PutFileAsync(file, ct);
        return new ManifestArtifact(name, fileName, stored.Sha256, stored.SizeBytes, set.Rows.ToDictionary(r => r.Key, r => (long)r.Value, StringComparer.Ordinal));
    }
}
