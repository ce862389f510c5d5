using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;

namespace Portal.Core.Features.DataReleases;

public sealed record LoadedRelease(DataReleaseSummary Release, DatasetSummary Dataset, LoadedDataset Data);

/// <summary>
/// The population of a release's national dataset for a model: the bytes are re-verified against
/// their sha256 first (a simulation must run on exactly the registered data), then validated and
/// mapped by <see cref="DatasetLoader"/>.
/// </summary>
public sealed class LoadDataReleasePopulationHandler(PortalDbContext db, IArtifactStore store)
{
    public async Task<Result<LoadedRelease>> HandleAsync(string country, string version, CountryModel model, int? period = null, CancellationToken ct = default)
    {
        var release = await db.DataReleases.AsNoTracking().Include(r => r.Artifacts)
            .FirstOrDefaultAsync(r => r.Country == country && r.Version == version, ct);
        if (release is null)
        {
            return Problem.NotFound($"Data release {country}@{version}");
        }

        if (!string.Equals(model.Country, country, StringComparison.Ordinal))
        {
            return Problem.Invalid("model", $"A {model.Country} model cannot run {country} data.");
        }

        var artifact = release.Artifacts.FirstOrDefault(a => a.Name == DataReleaseManifest.NationalArtifact);
        if (artifact is null)
        {
            return Problem.NotFound($"The national dataset of {country}@{version}");
        }

        try
        {
            await using var stream = await store.OpenVerifiedAsync(artifact.Sha256, ct);
            using var file = H5File.Open(stream, leaveOpen: true);
            var loaded = DatasetLoader.LoadWithReport(model, file, period ?? release.Period);
            return new LoadedRelease(DataReleaseMapping.Summary(release), DataReleaseMapping.Dataset(artifact, release), loaded);
        }
        catch (ArtifactIntegrityException e)
        {
            return Problem.Conflict(e.Message);
        }
        catch (DatasetValidationException e)
        {
            return Problem.Invalid("dataset", e.Message);
        }
        catch (Hdf5FormatException e)
        {
            return Problem.Conflict($"{country}@{version} national dataset is not readable HDF5: {e.Message}");
        }
    }
}
