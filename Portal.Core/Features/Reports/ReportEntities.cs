namespace Portal.Core.Features.Reports;

/// <summary>
/// Legacy <c>policy</c> row (PolicyEngine API v1): a policy in PolicyEngine's
/// <c>{path: {"start.stop": value}}</c> form, deduplicated per country by <see cref="PolicyHash"/>
/// (the hash of the canonical changes, so spelling and order do not make a new row). Kept apart
/// from the newer v2 <c>policies</c> table so legacy clients keep their integer ids.
/// </summary>
public sealed class LegacyPolicy
{
    public long Id { get; set; }

    public string CountryId { get; set; } = "";

    public string? Label { get; set; }

    /// <summary>The model version the policy was validated against.</summary>
    public string ApiVersion { get; set; } = "";

    /// <summary>PolicyEngine's map form of the canonical changes; <c>{}</c> is current law.</summary>
    public string PolicyJson { get; set; } = "{}";

    public string PolicyHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>Legacy <c>household</c> row: a household situation, deduplicated per country by the hash of its canonical JSON.</summary>
public sealed class LegacyHousehold
{
    public long Id { get; set; }

    public string CountryId { get; set; } = "";

    public string? Label { get; set; }

    public string ApiVersion { get; set; } = "";

    public string HouseholdJson { get; set; } = "{}";

    public string HouseholdHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>
/// Legacy <c>simulations</c> row: one population (a household id or a geography code) under one
/// legacy policy. Reused by (country, population, population type, policy) — shared by every report
/// that names the same pair, which is why a rerun lists the other reports it affects.
/// </summary>
public sealed class ReportSimulation
{
    public long Id { get; set; }

    public string CountryId { get; set; } = "";

    /// <summary>The model version of the bundle that last computed it.</summary>
    public string ApiVersion { get; set; } = "";

    /// <summary>A household id (as text) or a canonical region code (<c>us</c>, <c>state/CA</c>, <c>constituency/E14000530</c>).</summary>
    public string PopulationId { get; set; } = "";

    /// <summary><see cref="PopulationTypes"/>.</summary>
    public string PopulationType { get; set; } = "";

    public long PolicyId { get; set; }

    /// <summary><see cref="ReportStatuses"/>.</summary>
    public string Status { get; set; } = ReportStatuses.Pending;

    /// <summary>Household output (household simulations only).</summary>
    public string? Output { get; set; }

    public string? ErrorMessage { get; set; }

    /// <summary>Full id of the bundle that last computed it (null until computed).</summary>
    public string? BundleId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// Legacy <c>report_outputs</c> row: a baseline simulation, optionally a reform simulation, a
/// year and the report cache version (<see cref="ApiVersion"/>, derived from the bundle). Reused by
/// (country, simulation 1, simulation 2, year, api_version, options) through <see cref="ReuseKey"/>
/// (a unique column: SQLite cannot treat a NULL simulation 2 as equal in a unique index).
/// </summary>
public sealed class ReportOutput
{
    public long Id { get; set; }

    public string CountryId { get; set; } = "";

    /// <summary>Baseline simulation.</summary>
    public long Simulation1Id { get; set; }

    /// <summary>Reform simulation; null = a single-simulation report.</summary>
    public long? Simulation2Id { get; set; }

    /// <summary>Report cache version: <see cref="ReportCacheVersion.For"/> of the bundle.</summary>
    public string ApiVersion { get; set; } = "";

    /// <summary><see cref="ReportStatuses"/>.</summary>
    public string Status { get; set; } = ReportStatuses.Pending;

    /// <summary>Economy comparison output, or <c>{"&lt;simulation id&gt;": household, …}</c> for household reports.</summary>
    public string? Output { get; set; }

    public string? ErrorMessage { get; set; }

    public string Year { get; set; } = "";

    /// <summary><see cref="ReportTypes"/>.</summary>
    public string ReportType { get; set; } = "";

    /// <summary>Full id of the execution bundle the report runs on (resolved at creation).</summary>
    public string BundleId { get; set; } = "";

    /// <summary>Canonical report options, e.g. <c>{"target":"general"}</c> (economy reports).</summary>
    public string OptionsJson { get; set; } = "{}";

    /// <summary>country|sim1|sim2-or-none|year|api_version|options — unique.</summary>
    public string ReuseKey { get; set; } = "";

    /// <summary>User id of the creator (null for the CLI).</summary>
    public string? OwnerId { get; set; }

    /// <summary>Display name (email) of the creator.</summary>
    public string OwnerName { get; set; } = "";

    /// <summary>The simulation job (kind <c>report</c>) of the current computation; it alone may write the outcome.</summary>
    public string? JobId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? CompletedAt { get; set; }
}

/// <summary>
/// Legacy <c>reform_impact</c> row: the economy comparison cache. One row per key (a unique
/// index over the key columns, all written by <see cref="ReformImpactKey"/>). Unlike the legacy
/// system an <c>error</c> row is never served as a cached success.
/// </summary>
public sealed class ReformImpact
{
    public long ReformImpactId { get; set; }

    public long BaselinePolicyId { get; set; }

    public long ReformPolicyId { get; set; }

    public string CountryId { get; set; } = "";

    public string Region { get; set; } = "";

    public string Dataset { get; set; } = "";

    public string TimePeriod { get; set; } = "";

    public string OptionsJson { get; set; } = "{}";

    public string OptionsHash { get; set; } = "";

    public string ApiVersion { get; set; } = "";

    /// <summary><c>{}</c> while computing; the comparison when ok.</summary>
    public string ReformImpactJson { get; set; } = "{}";

    /// <summary><see cref="ReformImpactStatuses"/>.</summary>
    public string Status { get; set; } = ReformImpactStatuses.Computing;

    public string? Message { get; set; }

    public DateTime StartTime { get; set; }

    public DateTime? EndTime { get; set; }

    /// <summary>The simulation job computing or having computed the row.</summary>
    public string ExecutionId { get; set; } = "";
}

/// <summary>The first response to a rerun with an <c>Idempotency-Key</c>; a repeat gets it back instead of a second reset.</summary>
public sealed class ReportRerunKey
{
    public long Id { get; set; }

    public long ReportId { get; set; }

    public string IdempotencyKey { get; set; } = "";

    public string ResponseJson { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

public static class ReportStatuses
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Complete = "complete";
    public const string Error = "error";

    public static IReadOnlyList<string> All { get; } = [Pending, Running, Complete, Error];

    /// <summary>Pending or running: a computation is queued or under way.</summary>
    public static bool IsComputing(string status) => status is Pending or Running;
}

public static class ReformImpactStatuses
{
    public const string Computing = "computing";
    public const string Ok = "ok";
    public const string Error = "error";
}

public static class PopulationTypes
{
    public const string Household = "household";
    public const string Geography = "geography";
}

public static class ReportTypes
{
    public const string Household = "household";
    public const string Economy = "economy";

    public static string For(string populationType) => populationType == PopulationTypes.Household ? Household : Economy;
}
