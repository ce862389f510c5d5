namespace Portal.Core.Features.Simulations;

/// <summary>
/// One gateway job (an economy comparison, a budget window parent or one of its yearly children, or
/// a v2 single-policy simulation). The job stores everything needed to run and to explain it: the
/// resolved bundle, the canonical inputs, and, once complete, the result. <see cref="CacheKey"/> is
/// unique, so concurrent identical submits converge on one row (children have none).
/// </summary>
public sealed class SimulationJob
{
    public long Id { get; set; }

    /// <summary>Public id, e.g. <c>job_01jd…</c> (URL-safe, unguessable).</summary>
    public string JobId { get; set; } = "";

    /// <summary><see cref="SimulationJobKinds"/>.</summary>
    public string Kind { get; set; } = "";

    public string Country { get; set; } = "";

    /// <summary>Full id of the resolved execution bundle (never an alias).</summary>
    public string BundleId { get; set; } = "";

    /// <summary>sha256 of {bundle_id, canonical reform, canonical baseline, region, time_period, options}; null for budget-window children.</summary>
    public string? CacheKey { get; set; }

    /// <summary>The parent job id of a budget-window child.</summary>
    public string? ParentJobId { get; set; }

    /// <summary><see cref="SimulationJobStatuses"/>.</summary>
    public string Status { get; set; } = SimulationJobStatuses.Submitted;

    /// <summary>0–1.</summary>
    public double Progress { get; set; }

    public string? Stage { get; set; }

    /// <summary>Canonical inputs (region, time period, reform, baseline, options, title, the alias or versions the request named).</summary>
    public string RequestJson { get; set; } = "{}";

    public string? ResultJson { get; set; }

    public string? Error { get; set; }

    /// <summary>The caller's run id (telemetry), or a generated one.</summary>
    public string RunId { get; set; } = "";

    public string SubmittedBy { get; set; } = "";

    public DateTime SubmittedUtc { get; set; }

    public DateTime? StartedUtc { get; set; }

    public DateTime? CompletedUtc { get; set; }

    /// <summary>How many times a worker has started this job (a recovered job is started again).</summary>
    public int Attempts { get; set; }
}

public static class SimulationJobKinds
{
    public const string EconomyComparison = "economy_comparison";
    public const string BudgetWindow = "budget_window";
    public const string BudgetWindowYear = "budget_window_year";
    public const string Simulation = "simulation";
}

public static class SimulationJobStatuses
{
    public const string Submitted = "submitted";
    public const string Running = "running";
    public const string Complete = "complete";
    public const string Failed = "failed";

    public static bool IsTerminal(string status) => status is Complete or Failed;
}
