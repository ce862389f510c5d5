using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Publishing;

/// <summary>
/// The manifest of a finished run: every done area with its path, sha256, size, counts and
/// validation status. Written to a temporary name, flushed to disk and renamed, so a reader (or a
/// crash) never sees half a manifest.
/// </summary>
public static class PublishManifest
{
    public const string Format = "portal-publish-manifest/1";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Temporary names used by the library's writer and this manifest writer.</summary>
    public static bool IsTemp(string path)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(".tmp", StringComparison.Ordinal) || name.Contains(".tmp-", StringComparison.Ordinal);
    }

    public static JsonObject Build(PublishRun run, IReadOnlyList<PublishArea> areas, PromotabilityDecision promotability, DateTime createdUtc)
    {
        var files = new JsonArray();
        foreach (var a in areas.Where(a => PublishAreaStatuses.IsDone(a.Status)).OrderBy(a => a.OutputPath, StringComparer.Ordinal))
        {
            files.Add(new JsonObject
            {
                ["area_type"] = a.AreaType,
                ["area_id"] = a.AreaId,
                ["path"] = a.OutputPath,
                ["sha256"] = a.Sha256,
                ["size_bytes"] = a.SizeBytes,
                ["households"] = a.Households,
                ["persons"] = a.Persons,
                ["weight_total"] = a.WeightTotal,
                ["target"] = a.Target,
                ["status"] = a.Status,
                ["validation_status"] = a.ValidationStatus,
            });
        }

        return new JsonObject
        {
            ["format"] = Format,
            ["run_id"] = run.RunId,
            ["country"] = run.Country,
            ["data_release"] = run.DataRelease,
            ["scope"] = run.Scope,
            ["fingerprint"] = run.Fingerprint,
            ["schema_version"] = PublishSources.SchemaVersion,
            ["created_utc"] = createdUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["promotable"] = promotability.Promotable,
            ["promotable_reason"] = promotability.Reason,
            ["totals"] = new JsonObject
            {
                ["areas"] = areas.Count,
                ["completed"] = areas.Count(a => a.Status == PublishAreaStatuses.Completed),
                ["skipped"] = areas.Count(a => a.Status == PublishAreaStatuses.Skipped),
                ["failed"] = areas.Count(a => a.Status == PublishAreaStatuses.Failed),
                ["size_bytes"] = areas.Where(a => PublishAreaStatuses.IsDone(a.Status)).Sum(a => a.SizeBytes ?? 0),
            },
            ["failed"] = new JsonArray(areas.Where(a => a.Status == PublishAreaStatuses.Failed).Select(a => (JsonNode?)new JsonObject
            {
                ["area_type"] = a.AreaType,
                ["area_id"] = a.AreaId,
                ["build_error"] = a.BuildError,
            }).ToArray()),
            ["files"] = files,
        };
    }

    /// <summary>Writes <c>manifests/&lt;run&gt;.json</c> under the run's directory; returns its path relative to the artifact root and its sha256.</summary>
    public static (string Path, string Sha256) Write(PublishSources sources, PublishRun run, IReadOnlyList<PublishArea> areas, PromotabilityDecision promotability, DateTime createdUtc)
    {
        var relative = $"{run.OutputDir}/manifests/{run.RunId}.json";
        var full = sources.FullPath(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Build(run, areas, promotability, createdUtc), Indented);
        var temp = full + $".{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
        return (relative, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
