using System.Security.Cryptography;

namespace Portal.Core.Features.DataReleases;

/// <summary>A stored blob, named by the sha256 of its bytes.</summary>
/// <param name="Added">False when the store already held these bytes (the put was a no-op).</param>
public sealed record StoredArtifact(string Sha256, long SizeBytes, bool Added);

/// <summary>The bytes under a name no longer hash to that name.</summary>
public sealed class ArtifactIntegrityException(string expected, string actual)
    : Exception($"Artifact {expected} is corrupt: its bytes hash to {actual}.")
{
    public string Expected { get; } = expected;

    public string Actual { get; } = actual;
}

/// <summary>
/// Content-addressed, write-once storage for release artifacts. Writers never overwrite:
/// the same bytes map to the same name, so a second put is a no-op.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Moves a finished file into the store (the file is consumed).</summary>
    Task<StoredArtifact> PutFileAsync(string sourcePath, CancellationToken ct = default);

    bool Exists(string sha256);

    /// <summary>
    /// Removes a blob. Only for undoing a put whose registration failed (an import): the caller
    /// checks first that nothing references the hash. Missing blobs are not an error.
    /// </summary>
    void Delete(string sha256);

    /// <summary>Opens for random access (the H5 browser) without verifying; null when missing.</summary>
    Stream? OpenRead(string sha256);

    /// <summary>Re-hashes the stored bytes first and throws <see cref="ArtifactIntegrityException"/> on mismatch, so a download never serves corrupt data.</summary>
    Task<Stream> OpenVerifiedAsync(string sha256, CancellationToken ct = default);

    /// <summary>The sha256 of the stored bytes (to compare with the name), or null when missing.</summary>
    Task<string?> HashAsync(string sha256, CancellationToken ct = default);

    /// <summary>A directory for building files that will be put into the store (same volume: moves are atomic).</summary>
    string StagingDirectory { get; }
}

/// <summary>
/// <see cref="IArtifactStore"/> on the local disk: <c>&lt;data dir&gt;/artifacts/sha256/ab/&lt;hash&gt;</c>.
/// Files are written under a temporary name and renamed, so a crash never leaves a partial blob under a real hash.
/// </summary>
public sealed class FileSystemArtifactStore(PortalPaths paths) : IArtifactStore
{
    private string Root => Path.Combine(paths.Artifacts, "sha256");

    public string StagingDirectory
    {
        get
        {
            var dir = Path.Combine(paths.Artifacts, "staging");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task<StoredArtifact> PutFileAsync(string sourcePath, CancellationToken ct = default)
    {
        string hash;
        long size;
        await using (var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            size = source.Length;
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(source, ct));
        }

        var target = PathFor(hash);
        if (File.Exists(target))
        {
            File.Delete(sourcePath);
            return new StoredArtifact(hash, size, Added: false);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + $".{Guid.NewGuid():N}.tmp";
        File.Move(sourcePath, temp);
        File.Move(temp, target, overwrite: true);
        return new StoredArtifact(hash, size, Added: true);
    }

    public bool Exists(string sha256) => IsHash(sha256) && File.Exists(PathFor(sha256));

    public void Delete(string sha256)
    {
        if (Exists(sha256))
        {
            File.Delete(PathFor(sha256));
        }
    }

    public Stream? OpenRead(string sha256) =>
        Exists(sha256) ? new FileStream(PathFor(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess) : null;

    public async Task<Stream> OpenVerifiedAsync(string sha256, CancellationToken ct = default)
    {
        if (!Exists(sha256))
        {
            throw new FileNotFoundException($"Artifact {sha256} is not in the store.");
        }

        // One handle: hash it, then rewind and hand the same stream to the reader.
        var stream = new FileStream(PathFor(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArtifactIntegrityException(sha256, actual);
            }

            stream.Position = 0;
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public async Task<string?> HashAsync(string sha256, CancellationToken ct = default)
    {
        if (!Exists(sha256))
        {
            return null;
        }

        await using var stream = new FileStream(PathFor(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    private string PathFor(string sha256)
    {
        var hash = sha256.ToLowerInvariant();
        return Path.Combine(Root, hash[..2], hash);
    }

    internal static bool IsHash(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F'));
}
