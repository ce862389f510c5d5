using System.Text.Json.Nodes;
using Portal.Core.Publishing.LocalH5;

namespace Portal.Core.Features.Publishing;

public sealed record PromotabilityDecision(bool Promotable, string Reason);

/// <summary>
/// A published set may become a release only when every required area file exists and no
/// structural validation failed (target deviations are reported, they do not block).
/// </summary>
public static class Promotability
{
    /// <summary>Minimum done files per output folder: US 51 states (incl. DC), 436 districts (incl. the DC delegate), ≥1 city, the national file.</summary>
    public static IReadOnlyDictionary<string, int> Required(string country) => country == "uk"
        ? new Dictionary<string, int> { ["regions"] = 12, ["constituencies"] = 650, ["national"] = 1 }
        : new Dictionary<string, int> { ["states"] = 51, ["districts"] = 436, ["cities"] = 1, ["national"] = 1 };

    public static PromotabilityDecision Decide(string country, string scope, IReadOnlyList<PublishArea> areas)
    {
        var done = areas.Where(a => PublishAreaStatuses.IsDone(a.Status)).ToList();
        var missing = new List<string>();
        foreach (var (folder, count) in Required(country))
        {
            var have = done.Count(a => a.OutputPath.StartsWith(folder + "/", StringComparison.Ordinal));
            if (have < count)
            {
                missing.Add($"{folder} {have}/{count}");
            }
        }

        var structural = done.Where(a => HasStructuralFailure(a.IssuesJson)).Select(a => a.OutputPath).ToList();
        if (structural.Count > 0)
        {
            return new(false, $"Structural validation failed for {structural.Count} file(s): {string.Join(", ", structural.Take(5))}.");
        }

        return missing.Count > 0
            ? new(false, $"Required areas missing ({string.Join(", ", missing)}){(scope == PublishScopes.All ? "" : $"; scope {scope} covers only part of the set")}.")
            : new(true, "Every required area exists and no structural validation failed.");
    }

    /// <summary>An error-severity issue with one of the library's structural codes (target misses never block).</summary>
    public static bool HasStructuralFailure(string issuesJson)
    {
        if (JsonNode.Parse(issuesJson) is not JsonArray issues)
        {
            return false;
        }

        return issues.Any(i => (string?)i?["severity"] == "error" && AreaValidator.StructuralCodes.Contains((string?)i?["code"] ?? ""));
    }
}
