using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.DataReleases;

/// <summary>Releases, newest first, optionally for one country.</summary>
public sealed class ListDataReleasesHandler(PortalDbContext db)
{
    public async Task<IReadOnlyList<DataReleaseSummary>> HandleAsync(string? country = null, CancellationToken ct = default)
    {
        var query = db.DataReleases.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(country))
        {
            query = query.Where(r => r.Country == country);
        }

        var rows = await query.OrderByDescending(r => r.Id)
            .Select(r => new DataReleaseSummary(r.Id, r.Country, r.Version, r.ManifestRevision, r.Period, r.CreatedUtc, r.CreatedBy, r.Artifacts.Count))
            .ToListAsync(ct);
        return rows;
    }

    /// <summary>One page of releases, newest first (the list page).</summary>
    public async Task<Page<DataReleaseSummary>> PageAsync(int? page, int? pageSize, CancellationToken ct = default)
    {
        var (number, size) = Paging.Normalize(page, pageSize);
        var total = await db.DataReleases.CountAsync(ct);
        var rows = await db.DataReleases.AsNoTracking().OrderByDescending(r => r.Id).Skip((number - 1) * size).Take(size)
            .Select(r => new DataReleaseSummary(r.Id, r.Country, r.Version, r.ManifestRevision, r.Period, r.CreatedUtc, r.CreatedBy, r.Artifacts.Count))
            .ToListAsync(ct);
        return new Page<DataReleaseSummary>(rows, number, size, total);
    }
}

/// <summary>One release with its artifacts and canonical manifest.</summary>
public sealed class GetDataReleaseHandler(PortalDbContext db)
{
    public async Task<Result<DataReleaseDetail>> HandleAsync(string country, string version, CancellationToken ct = default)
    {
        if (!DataReleaseRules.IsCountry(country) || !DataReleaseRules.IsVersion(version))
        {
            return Problem.Invalid("release", "Name a release as country us or uk and a semantic version, e.g. us/2024.1.0.");
        }

        var release = await db.DataReleases.AsNoTracking().Include(r => r.Artifacts)
            .FirstOrDefaultAsync(r => r.Country == country && r.Version == version, ct);
        return release is null ? Problem.NotFound($"Data release {country}@{version}") : DataReleaseMapping.Detail(release);
    }
}

/// <summary>Every artifact of every release ("datasets"), newest release first.</summary>
public sealed class ListDatasetsHandler(PortalDbContext db)
{
    public async Task<IReadOnlyList<DatasetSummary>> HandleAsync(string? country = null, CancellationToken ct = default)
    {
        var query = db.DataReleaseArtifacts.AsNoTracking().Include(a => a.DataRelease).AsQueryable();
        if (!string.IsNullOrWhiteSpace(country))
        {
            query = query.Where(a => a.DataRelease!.Country == country);
        }

        var rows = await query.OrderByDescending(a => a.DataReleaseId).ThenBy(a => a.Name).ToListAsync(ct);
        return rows.Select(a => DataReleaseMapping.Dataset(a, a.DataRelease!)).ToList();
    }
}

public sealed class GetDatasetHandler(PortalDbContext db)
{
    public async Task<Result<DatasetSummary>> HandleAsync(long id, CancellationToken ct = default)
    {
        var artifact = await db.DataReleaseArtifacts.AsNoTracking().Include(a => a.DataRelease).FirstOrDefaultAsync(a => a.Id == id, ct);
        return artifact is null ? Problem.NotFound($"Dataset {id}") : DataReleaseMapping.Dataset(artifact, artifact.DataRelease!);
    }
}

/// <summary>A dataset's bytes, verified against its sha256 before the first byte is served.</summary>
public sealed record DatasetDownload(DatasetSummary Dataset, Stream Content, string FileName);

public sealed class OpenDatasetHandler(GetDatasetHandler get, IArtifactStore store)
{
    public async Task<Result<DatasetDownload>> HandleAsync(long id, CancellationToken ct = default)
    {
        var dataset = await get.HandleAsync(id, ct);
        if (!dataset.Succeeded)
        {
            return dataset.Problem!;
        }

        var d = dataset.Value!;
        try
        {
            var stream = await store.OpenVerifiedAsync(d.Sha256, ct);
            return new DatasetDownload(d, stream, $"{d.Country}-{d.Version}-{Path.GetFileName(d.Path)}");
        }
        catch (ArtifactIntegrityException e)
        {
            return Problem.Conflict($"Dataset {id} failed its integrity check and is not served: {e.Message}");
        }
        catch (FileNotFoundException)
        {
            return Problem.NotFound($"The stored file of dataset {id} ({d.Sha256})");
        }
    }
}

public sealed record ArtifactVerification(string Name, string Sha256, string? ActualSha256, bool Ok);

public sealed record DataReleaseVerification(string Country, string Version, string ManifestRevision, bool ManifestOk, IReadOnlyList<ArtifactVerification> Artifacts)
{
    public bool Ok => ManifestOk && Artifacts.All(a => a.Ok);
}

/// <summary>Re-hashes the stored manifest and every artifact of a release.</summary>
public sealed class VerifyDataReleaseHandler(PortalDbContext db, IArtifactStore store)
{
    public async Task<Result<DataReleaseVerification>> HandleAsync(string country, string version, CancellationToken ct = default)
    {
        var release = await db.DataReleases.AsNoTracking().Include(r => r.Artifacts)
            .FirstOrDefaultAsync(r => r.Country == country && r.Version == version, ct);
        if (release is null)
        {
            return Problem.NotFound($"Data release {country}@{version}");
        }

        var checks = new List<ArtifactVerification>();
        foreach (var artifact in release.Artifacts.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var actual = await store.HashAsync(artifact.Sha256, ct);
            checks.Add(new ArtifactVerification(artifact.Name, artifact.Sha256, actual, string.Equals(actual, artifact.Sha256, StringComparison.OrdinalIgnoreCase)));
        }

        var manifestOk = DataReleaseManifest.Sha256Hex(release.ManifestJson) == release.ManifestRevision;
        return new DataReleaseVerification(country, version, release.ManifestRevision, manifestOk, checks);
    }
}
