using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;

namespace Portal.Core.Features.Publishing;

public sealed record PublishedFile(string FileName, string Sha256, Stream Content);

/// <summary>
/// A published area file of a run. Only paths recorded in the run's own area rows are served (so no
/// request path ever reaches the file system), and the bytes are re-hashed against the recorded
/// sha256 before the first byte goes out.
/// </summary>
public sealed class OpenPublishedFileHandler(PortalDbContext db, PublishSources sources)
{
    public async Task<Result<PublishedFile>> HandleAsync(string runId, string path, CancellationToken ct = default)
    {
        var run = PublicIds.LooksLike(runId, "pub") ? await db.PublishRuns.AsNoTracking().FirstOrDefaultAsync(r => r.RunId == runId, ct) : null;
        if (run is null)
        {
            return Problem.NotFound($"Publish run {runId}");
        }

        var area = await db.PublishAreas.AsNoTracking()
            .FirstOrDefaultAsync(a => a.PublishRunId == run.Id && a.OutputPath == path && (a.Status == PublishAreaStatuses.Completed || a.Status == PublishAreaStatuses.Skipped), ct);
        if (area?.Sha256 is null)
        {
            return Problem.NotFound($"File {path} of publish run {runId}");
        }

        return await OpenVerifiedAsync(sources.FullPath(Path.Combine(run.OutputDir, area.OutputPath)), area.Sha256, $"{run.Country}-{run.DataRelease}-{area.OutputPath.Replace('/', '-')}", ct);
    }

    internal static async Task<Result<PublishedFile>> OpenVerifiedAsync(string fullPath, string sha256, string fileName, CancellationToken ct)
    {
        if (!File.Exists(fullPath))
        {
            return Problem.NotFound($"The published file {fileName}");
        }

        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            {
                await stream.DisposeAsync();
                return Problem.Conflict($"{fileName} no longer matches its recorded sha256 ({sha256[..12]}…) and is not served; publish again to rebuild it.");
            }

            stream.Position = 0;
            return new PublishedFile(fileName, sha256, stream);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }
}

/// <summary>The publish manifest of a finished run, verified against its recorded sha256.</summary>
public sealed class GetPublishManifestHandler(PortalDbContext db, PublishSources sources)
{
    public async Task<Result<PublishedFile>> HandleAsync(string runId, CancellationToken ct = default)
    {
        var run = PublicIds.LooksLike(runId, "pub") ? await db.PublishRuns.AsNoTracking().FirstOrDefaultAsync(r => r.RunId == runId, ct) : null;
        if (run is null)
        {
            return Problem.NotFound($"Publish run {runId}");
        }

        if (run.ManifestPath is null || run.ManifestSha256 is null)
        {
            return Problem.Conflict($"Publish run {runId} is {run.Status} and has no manifest yet; it is written when the run finishes.");
        }

        return await OpenPublishedFileHandler.OpenVerifiedAsync(sources.FullPath(run.ManifestPath), run.ManifestSha256, $"{run.RunId}-manifest.json", ct);
    }
}
