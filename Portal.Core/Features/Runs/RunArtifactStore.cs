using System.Text;

namespace Portal.Core.Features.Runs;

/// <summary>One file of a run folder: its path relative to the folder (forward slashes) and its bytes.</summary>
public sealed record RunFile(string Name, byte[] Bytes)
{
    public static RunFile Text(string name, string text) => new(name, Utf8NoBom.GetBytes(text));

    /// <summary>Hashed files must not start with a BOM (a BOM in the bytes would change every hash).</summary>
    public static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);
}

/// <summary>
/// Run folders under the artifact root, <c>&lt;data dir&gt;/artifacts/runs/&lt;run_id&gt;/</c>. A folder is
/// built under a temporary name beside its final place and renamed in one step, so a reader never sees
/// a half-written run and a crash leaves only a <c>.tmp-*</c> folder. Folders are write-once.
/// Reading goes through names listed in the run's manifest only (see <see cref="RunFileNames"/>); a
/// request can never name a path of its own.
/// </summary>
public sealed class RunArtifactStore(PortalPaths paths)
{
    public string Root => Path.Combine(paths.Artifacts, "runs");

    /// <summary>Writes the folder atomically; false when the run already has one (the first writer won).</summary>
    public async Task<bool> WriteAsync(string runId, IReadOnlyList<RunFile> files, CancellationToken ct = default)
    {
        if (!RunIds.IsValid(runId))
        {
            throw new ArgumentException($"'{runId}' is not a run id.", nameof(runId));
        }

        Directory.CreateDirectory(Root);
        var final = Path.Combine(Root, runId);
        if (Directory.Exists(final))
        {
            return false;
        }

        // A write of this run that a kill interrupted left its temporary folder; the caller holds the
        // run's claim now, so no other writer of this run is alive.
        foreach (var stale in Directory.EnumerateDirectories(Root, $".tmp-{runId}-*"))
        {
            Directory.Delete(stale, recursive: true);
        }

        var temp = Path.Combine(Root, $".tmp-{runId}-{Guid.NewGuid():N}");
        try
        {
            foreach (var file in files)
            {
                var path = Path.Combine(temp, file.Name.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, file.Bytes, ct);
            }

            Directory.Move(temp, final);
            return true;
        }
        catch (IOException) when (Directory.Exists(final))
        {
            return false;
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }

    public bool Exists(string runId) => RunIds.IsValid(runId) && Directory.Exists(Path.Combine(Root, runId));

    /// <summary>Opens a file the caller has already matched against the manifest's list; null when it is missing on disk.</summary>
    public Stream? Open(string runId, string listedName)
    {
        if (!RunIds.IsValid(runId) || !RunFileNames.IsWellFormed(listedName))
        {
            return null;
        }

        var path = Path.Combine(Root, runId, listedName.Replace('/', Path.DirectorySeparatorChar));
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read) : null;
    }

    public async Task<string?> ReadTextAsync(string runId, string listedName, CancellationToken ct = default)
    {
        await using var stream = Open(runId, listedName);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, RunFile.Utf8NoBom);
        return await reader.ReadToEndAsync(ct);
    }
}

/// <summary>The file names a run folder may hold: fixed top-level names and <c>outputs/&lt;section&gt;.json|csv</c>.</summary>
public static class RunFileNames
{
    public const string Spec = "spec.yaml";
    public const string Request = "request.json";
    public const string Provenance = "provenance.json";
    public const string Manifest = "manifest.json";
    public const string Result = "result.json";

    /// <summary>A second line of defence behind the manifest list: lower-case letters, digits, <c>_</c>, <c>-</c>, one optional <c>outputs/</c> prefix.</summary>
    public static bool IsWellFormed(string name)
    {
        var leaf = name.StartsWith("outputs/", StringComparison.Ordinal) ? name["outputs/".Length..] : name;
        var dot = leaf.LastIndexOf('.');
        return dot > 0 && leaf.Length <= 100
            && leaf[..dot].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-')
            && leaf[(dot + 1)..] is "json" or "csv" or "yaml";
    }
}
