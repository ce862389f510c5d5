using System.Text.RegularExpressions;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>Run ids: <c>run_</c> + 26 Crockford base32 characters (millisecond time then random bits; sortable, unguessable, URL- and path-safe).</summary>
public static partial class RunIds
{
    public static string New() => "run_" + SimulationJobQueue.NewJobId()["job_".Length..];

    /// <summary>True for a well-formed id: the only ids that ever name a folder under <c>runs/</c>.</summary>
    public static bool IsValid(string? runId) => runId is not null && Pattern().IsMatch(runId);

    [GeneratedRegex("^run_[0-9a-hjkmnp-tv-z]{26}$")]
    private static partial Regex Pattern();
}
