using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;

namespace Portal.Core.Features.Publishing;

public sealed record PublishRunSummary(
    string RunId, string Country, string DataRelease, string Scope, string Status, int Workers, bool Resume, bool Force,
    string Fingerprint, int AreasTotal, int AreasCompleted, int AreasSkipped, int AreasFailed, bool Promotable, string? PromotableReason,
    string Actor, DateTime CreatedUtc, DateTime? StartedUtc, DateTime? FinishedUtc, string? Error, string? ManifestSha256, int Attempts)
{
    public int AreasDone => AreasCompleted + AreasSkipped;

    /// <summary>0..1: finished areas (done or failed) over all areas.</summary>
    public double Progress => AreasTotal == 0 ? (PublishRunStatuses.IsTerminal(Status) ? 1 : 0) : (AreasDone + AreasFailed) / (double)AreasTotal;
}

public sealed record PublishAreaView(
    string AreaType, string AreaId, string DisplayName, string OutputPath, string Status, string? Sha256, long? SizeBytes,
    int Households, int Persons, double WeightTotal, double? Target, string ValidationStatus, JsonNode? Issues, string? BuildError,
    long DurationMs, DateTime? CompletedUtc)
{
    public string Key => $"{AreaType}:{AreaId}";

    /// <summary>Two-letter state of a state, district (<c>CA-12</c>) or national/city area (null).</summary>
    public string? State => AreaType switch
    {
        "state" => AreaId,
        "district" when AreaId.Contains('-', StringComparison.Ordinal) => AreaId[..AreaId.IndexOf('-', StringComparison.Ordinal)],
        _ => null,
    };
}

public sealed record PublishRunDetail(PublishRunSummary Run, IReadOnlyList<PublishAreaView> Areas);

/// <summary>Read models shared by the query handlers and the start handler.</summary>
internal static class PublishQueries
{
    public static PublishRunSummary Summary(PublishRun r) => new(
        r.RunId, r.Country, r.DataRelease, r.Scope, r.Status, r.Workers, r.Resume, r.Force, r.Fingerprint, r.AreasTotal,
        r.AreasCompleted, r.AreasSkipped, r.AreasFailed, r.Promotable, r.PromotableReason, r.Actor, r.CreatedUtc, r.StartedUtc,
        r.FinishedUtc, r.Error, r.ManifestSha256, r.Attempts);

    public static PublishAreaView Area(PublishArea a) => new(
        a.AreaType, a.AreaId, a.DisplayName, a.OutputPath, a.Status, a.Sha256, a.SizeBytes, a.Households, a.Persons, a.WeightTotal,
        a.Target, a.ValidationStatus, ParseIssues(a.IssuesJson), a.BuildError, a.DurationMs, a.CompletedUtc);

    public static async Task<PublishRunDetail?> DetailAsync(PortalDbContext db, string runId, CancellationToken ct)
    {
        var run = await db.PublishRuns.AsNoTracking().FirstOrDefaultAsync(r => r.RunId == runId, ct);
        if (run is null)
        {
            return null;
        }

        var areas = await db.PublishAreas.AsNoTracking().Where(a => a.PublishRunId == run.Id).OrderBy(a => a.Id).ToListAsync(ct);
        return new PublishRunDetail(Summary(run), areas.Select(Area).ToList());
    }

    private static JsonNode? ParseIssues(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return new JsonArray();
        }
    }
}
