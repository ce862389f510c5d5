namespace Portal.Core.Features.Publishing;

/// <summary>
/// One publish of a data release's area files (<c>POST /api/publish</c>): run by a single Quartz job,
/// its per-area progress in <see cref="PublishArea"/> rows. Counts are recomputed from those rows after
/// every area, so a recovered run never double-counts.
/// </summary>
public sealed class PublishRun
{
    public long Id { get; set; }

    /// <summary>Public id, <c>pub_</c> + 26 sortable characters.</summary>
    public string RunId { get; set; } = "";

    public string Country { get; set; } = "";

    /// <summary>The data release version (the country is its own column).</summary>
    public string DataRelease { get; set; } = "";

    public string Scope { get; set; } = PublishScopes.All;

    /// <summary>The requested area keys (<c>state:CA</c>, …) as a JSON array, or null for the whole scope.</summary>
    public string? AreasJson { get; set; }

    public int Workers { get; set; }

    public bool Resume { get; set; }

    public bool Force { get; set; }

    /// <summary><see cref="Portal.Core.Publishing.LocalH5.PublishFingerprint"/> of the inputs; names the output directory.</summary>
    public string Fingerprint { get; set; } = "";

    /// <summary>Output directory relative to the artifact root, e.g. <c>published/us/2024.1.0/ab12cd34ef56</c>.</summary>
    public string OutputDir { get; set; } = "";

    public string Status { get; set; } = PublishRunStatuses.Queued;

    public int AreasTotal { get; set; }

    public int AreasCompleted { get; set; }

    public int AreasSkipped { get; set; }

    public int AreasFailed { get; set; }

    /// <summary>Set on completion: every required area exists and no structural validation failed.</summary>
    public bool Promotable { get; set; }

    public string? PromotableReason { get; set; }

    public int Attempts { get; set; }

    public string Actor { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public DateTime? StartedUtc { get; set; }

    public DateTime? FinishedUtc { get; set; }

    public string? Error { get; set; }

    public string? ManifestSha256 { get; set; }

    /// <summary>Manifest path relative to the artifact root.</summary>
    public string? ManifestPath { get; set; }
}

/// <summary>One area of a run: pending until its build finishes, then its structured result.</summary>
public sealed class PublishArea
{
    public long Id { get; set; }

    public long PublishRunId { get; set; }

    public string AreaType { get; set; } = "";

    public string AreaId { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>Relative to the run's output directory, e.g. <c>states/CA.h5</c>.</summary>
    public string OutputPath { get; set; } = "";

    public string Status { get; set; } = PublishAreaStatuses.Pending;

    public string? Sha256 { get; set; }

    public long? SizeBytes { get; set; }

    public int Households { get; set; }

    public int Persons { get; set; }

    public double WeightTotal { get; set; }

    /// <summary>The population target the area is validated against (weighted persons; census or calibration package).</summary>
    public double? Target { get; set; }

    public string ValidationStatus { get; set; } = "not_run";

    /// <summary>The validation issues as JSON (code, severity, message, details).</summary>
    public string IssuesJson { get; set; } = "[]";

    public string? BuildError { get; set; }

    public long DurationMs { get; set; }

    public DateTime? CompletedUtc { get; set; }
}

/// <summary>
/// The fingerprint last published for (country, release, scope): a new run with another fingerprint
/// must not silently mix its files with these unless forced.
/// </summary>
public sealed class PublishScopeFingerprint
{
    public long Id { get; set; }

    public string Country { get; set; } = "";

    public string DataRelease { get; set; } = "";

    public string Scope { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public string OutputDir { get; set; } = "";

    public string RunId { get; set; } = "";

    public DateTime UpdatedUtc { get; set; }
}

public static class PublishScopes
{
    public const string Regional = "regional";
    public const string National = "national";
    public const string All = "all";

    public static bool IsKnown(string? scope) => scope is Regional or National or All;
}

public static class PublishRunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;
}

public static class PublishAreaStatuses
{
    public const string Pending = "pending";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    /// <summary>Completed or skipped (its file exists with the recorded sha256).</summary>
    public static bool IsDone(string status) => status is Completed or Skipped;
}
