using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Reports;

/// <summary>PolicyEngine's legacy envelope: <c>{status, message, result}</c>.</summary>
public sealed record LegacyEnvelope<T>(string Status, string? Message, T? Result);

/// <summary>A create that either inserted a row or found the one it reuses (legacy: 201 vs 200).</summary>
public sealed record Reused<T>(T Value, bool Created);

public sealed record LegacyPolicyView(long Id, string CountryId, string? Label, string ApiVersion, JsonNode PolicyJson, string PolicyHash)
{
    /// <summary>Legacy clients read <c>policy_id</c>.</summary>
    public long PolicyId => Id;

    public static LegacyPolicyView Of(LegacyPolicy p) =>
        new(p.Id, p.CountryId, p.Label, p.ApiVersion, JsonNode.Parse(p.PolicyJson) ?? new JsonObject(), p.PolicyHash);
}

public sealed record LegacyHouseholdView(long Id, string CountryId, string? Label, string ApiVersion, JsonNode HouseholdJson, string HouseholdHash)
{
    public long HouseholdId => Id;

    public static LegacyHouseholdView Of(LegacyHousehold h) =>
        new(h.Id, h.CountryId, h.Label, h.ApiVersion, JsonNode.Parse(h.HouseholdJson) ?? new JsonObject(), h.HouseholdHash);
}

public sealed record ReportSimulationView(
    long Id, string CountryId, string ApiVersion, string PopulationId, string PopulationType, long PolicyId,
    string Status, JsonNode? Output, string? ErrorMessage, string? BundleId)
{
    public static ReportSimulationView Of(ReportSimulation s, bool withOutput = true) =>
        new(s.Id, s.CountryId, s.ApiVersion, s.PopulationId, s.PopulationType, s.PolicyId, s.Status,
            withOutput && s.Output is not null ? JsonNode.Parse(s.Output) : null, s.ErrorMessage, s.BundleId);
}

/// <summary>A report row as the API serves it (output parsed).</summary>
public sealed record ReportView(
    long Id,
    string CountryId,
    [property: JsonPropertyName("simulation_1_id")] long Simulation1Id,
    [property: JsonPropertyName("simulation_2_id")] long? Simulation2Id,
    string ApiVersion,
    string Status,
    JsonNode? Output,
    string? ErrorMessage,
    string Year,
    string ReportType,
    string BundleId,
    JsonNode Options,
    string? OwnerId,
    string OwnerName,
    string? JobId,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? StartedAt,
    DateTime? CompletedAt)
{
    public static ReportView Of(ReportOutput r, bool withOutput = true) =>
        new(r.Id, r.CountryId, r.Simulation1Id, r.Simulation2Id, r.ApiVersion, r.Status,
            withOutput && r.Output is not null ? JsonNode.Parse(r.Output) : null, r.ErrorMessage, r.Year, r.ReportType, r.BundleId,
            JsonNode.Parse(r.OptionsJson) ?? new JsonObject(), r.OwnerId, r.OwnerName, r.JobId, r.CreatedAt, r.UpdatedAt, r.StartedAt, r.CompletedAt);
}

/// <summary>The execution bundle a report runs on (provenance card).</summary>
public sealed record ReportBundleView(string BundleId, string DisplayId, string Country, string ModelVersion, string DataVersion, string Dataset, string EngineVersion, bool Certified)
{
    public static ReportBundleView Of(ExecutionBundle b) => new(b.BundleId, b.DisplayId, b.Country, b.ModelVersion, b.DataVersion, b.Dataset, b.EngineVersion, b.Certified);
}

/// <summary>The report's current computation (live progress).</summary>
public sealed record ReportJobView(string JobId, string Status, double Progress, string? Stage, string? Error, DateTime SubmittedUtc, DateTime? StartedUtc, DateTime? CompletedUtc);

/// <summary>Everything a report page shows.</summary>
/// <param name="SharingReportIds">Other reports that link one of this report's simulations (a rerun resets them too).</param>
public sealed record ReportDetail(
    ReportView Report,
    [property: JsonPropertyName("simulation_1")] ReportSimulationView Simulation1,
    [property: JsonPropertyName("simulation_2")] ReportSimulationView? Simulation2,
    LegacyPolicyView BaselinePolicy,
    LegacyPolicyView? ReformPolicy,
    LegacyHouseholdView? Household,
    ReportBundleView? Bundle,
    ReportJobView? Job,
    IReadOnlyList<long> SharingReportIds);

/// <summary>One row of the reports list (no output).</summary>
public sealed record ReportSummary(
    long Id,
    string CountryId,
    string ReportType,
    string Status,
    string Year,
    [property: JsonPropertyName("simulation_1_id")] long Simulation1Id,
    [property: JsonPropertyName("simulation_2_id")] long? Simulation2Id,
    string PopulationId,
    long BaselinePolicyId,
    long? ReformPolicyId,
    string? BaselineLabel,
    string? ReformLabel,
    string BundleId,
    string ApiVersion,
    string? OwnerId,
    string OwnerName,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? CompletedAt);

/// <summary>A <c>reform_impact</c> row without its JSON (what a rerun would delete).</summary>
public sealed record ReformImpactRowView(
    long ReformImpactId, long BaselinePolicyId, long ReformPolicyId, string Region, string Dataset, string TimePeriod,
    string OptionsHash, string ApiVersion, string Status, string? Message, string ExecutionId)
{
    public static ReformImpactRowView Of(ReformImpact r) =>
        new(r.ReformImpactId, r.BaselinePolicyId, r.ReformPolicyId, r.Region, r.Dataset, r.TimePeriod, r.OptionsHash, r.ApiVersion, r.Status, r.Message, r.ExecutionId);
}
