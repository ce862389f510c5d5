using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Core.Engine;

public sealed record ReleaseLock(
    [property: JsonPropertyName("country")] string Country,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary><c>Countries/&lt;country&gt;/releases.lock.json</c>: the released versions and their hashes.</summary>
public static class ReleaseLockFile
{
    public const string FileName = "releases.lock.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>The entries, or an empty list when the file does not exist.</summary>
    public static IReadOnlyList<ReleaseLock> Read(string countryDirectory)
    {
        var path = Path.Combine(countryDirectory, FileName);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            var entries = JsonSerializer.Deserialize<List<ReleaseLock>>(File.ReadAllText(path), Options) ?? [];
            foreach (var entry in entries)
            {
                if (string.IsNullOrEmpty(entry.Country) || string.IsNullOrEmpty(entry.Version) || entry.Sha256 is not { Length: 64 })
                {
                    throw new ModelLoadException($"{path}: every entry needs country, version and a 64-character sha256");
                }
            }

            return entries;
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: not a valid lock file: {e.Message}");
        }
    }

    /// <summary>Writes the entries sorted by version, atomically (temporary file, then rename).</summary>
    public static void Write(string countryDirectory, IEnumerable<ReleaseLock> entries)
    {
        var sorted = entries.OrderBy(e => e.Version, SemverComparer.Instance).ToList();
        var path = Path.Combine(countryDirectory, FileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(sorted, Options) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Orders semantic versions (major.minor.patch, pre-releases before the release).</summary>
public sealed class SemverComparer : IComparer<string>
{
    public static SemverComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.CompareOrdinal(x, y);
        }

        var (a, preA) = Split(x);
        var (b, preB) = Split(y);
        for (var i = 0; i < 3; i++)
        {
            var c = a[i].CompareTo(b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return (preA, preB) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => string.CompareOrdinal(preA, preB),
        };
    }

    private static (long[] Parts, string? Pre) Split(string version)
    {
        var dash = version.IndexOf('-', StringComparison.Ordinal);
        var core = dash >= 0 ? version[..dash] : version;
        var parts = core.Split('.').Select(p => long.TryParse(p, out var n) ? n : -1).Concat([0L, 0L, 0L]).Take(3).ToArray();
        return (parts, dash >= 0 ? version[(dash + 1)..] : null);
    }
}
