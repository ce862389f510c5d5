using System.Text.Json.Nodes;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Runs;

/// <summary>
/// One row of the run registry (<c>runs</c>): every execution in Portal — a spec run (<c>POST /v1/run</c>),
/// a gateway job, a report — with its provenance summary, hashes and status. The row is written before
/// the submit returns (so a registry query right after sees it) and completed when the simulation job
/// finishes and the artifacts under <c>runs/&lt;run_id&gt;/</c> are in place.
/// </summary>
public sealed class RunRecord
{
    public long Id { get; set; }

    /// <summary>Public id, <c>run_</c> + 26 sortable base32 characters.</summary>
    public string RunId { get; set; } = "";

    /// <summary><see cref="RunKinds"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>Who produced the spec: the provenance <c>source</c> (e.g. <c>portal-sim</c>), <c>gateway</c>, <c>report</c>, or <c>api</c> when a spec came without provenance.</summary>
    public string Source { get; set; } = "";

    public string? TemplateId { get; set; }

    public string? ModelId { get; set; }

    public string? Title { get; set; }

    public string Country { get; set; } = "";

    /// <summary>The full bundle id the run executed on (never an alias).</summary>
    public string BundleId { get; set; } = "";

    /// <summary>What the spec named (alias, display id or full id), for the record.</summary>
    public string? BundleRequested { get; set; }

    /// <summary>sha256 (hex) of the canonical spec; see docs/runs.md.</summary>
    public string SpecSha256 { get; set; } = "";

    /// <summary>sha256 (hex) of the canonical result JSON; null until complete.</summary>
    public string? ResultSha256 { get; set; }

    /// <summary>The gateway job that computes (or computed) the result.</summary>
    public string? JobId { get; set; }

    /// <summary><see cref="RunStatuses"/>.</summary>
    public string Status { get; set; } = RunStatuses.Submitted;

    public string? Error { get; set; }

    /// <summary>JSON array of strings (e.g. the header/embedded provenance mismatch).</summary>
    public string WarningsJson { get; set; } = "[]";

    /// <summary>The spec as stored (<c>spec.yaml</c> for spec runs, canonical request JSON for gateway runs), kept so a failed or pending run still explains itself.</summary>
    public string SpecText { get; set; } = "";

    /// <summary>provenance.json as it will be written (null when the run has none yet).</summary>
    public string? ProvenanceJson { get; set; }

    /// <summary>The original run when this one is a replay.</summary>
    public string? ReplayOf { get; set; }

    /// <summary><c>identical</c> or <c>different</c> once a replay completes.</summary>
    public string? ReplayOutcome { get; set; }

    /// <summary>Lower-case text the registry's <c>search</c> matches (id, title, template, model, bundle, country).</summary>
    public string SearchText { get; set; } = "";

    public string SubmittedBy { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>
    /// The row of a job recorded when it finished (a gateway job or a report computation): the spec and
    /// provenance are derived from the job, the run is dated by the job's submit.
    /// </summary>
    public static RunRecord ForFinishedJob(string kind, string? title, SimulationJob job, string? bundleRequested, JsonNode spec, JsonObject provenance)
    {
        var run = new RunRecord
        {
            RunId = RunIds.New(),
            Kind = kind,
            Source = kind,
            Title = title,
            Country = job.Country,
            BundleId = job.BundleId,
            BundleRequested = bundleRequested,
            SpecSha256 = RunCanonicalJson.Sha256(spec),
            SpecText = RunJsonText.Indented(spec),
            ProvenanceJson = RunJsonText.Indented(provenance),
            JobId = job.JobId,
            SubmittedBy = job.SubmittedBy,
            CreatedAt = job.SubmittedUtc,
        };
        run.SearchText = RunSearch.Text(run);
        return run;
    }

    /// <summary>A replay of <paramref name="original"/>: the same spec, provenance and bundle, linked by <see cref="ReplayOf"/>.</summary>
    public static RunRecord NewReplay(RunRecord original, string runId, string submittedBy) => new()
    {
        RunId = runId,
        Kind = original.Kind,
        Source = original.Source,
        TemplateId = original.TemplateId,
        ModelId = original.ModelId,
        Title = original.Title,
        Country = original.Country,
        BundleId = original.BundleId,
        BundleRequested = original.BundleId,
        SpecSha256 = original.SpecSha256,
        SpecText = original.SpecText,
        ProvenanceJson = original.ProvenanceJson,
        ReplayOf = original.RunId,
        SubmittedBy = submittedBy,
    };
}

public static class RunKinds
{
    public const string Template = "template";
    public const string Gateway = "gateway";
    public const string Report = "report";
}

public static class RunStatuses
{
    public const string Submitted = "submitted";

    /// <summary>Claimed by the one writer that is writing its artifacts.</summary>
    public const string Writing = "writing";
    public const string Complete = "complete";
    public const string Failed = "failed";

    public static bool IsTerminal(string status) => status is Complete or Failed;
}
