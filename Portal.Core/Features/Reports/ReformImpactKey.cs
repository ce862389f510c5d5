using System.Text.Json.Nodes;
using Portal.Core.Features.Bundles;

namespace Portal.Core.Features.Reports;

/// <summary>Cache versions derive from the resolved bundle, so a new bundle (model or data) never meets an old row.</summary>
public static class ReportCacheVersion
{
    /// <summary>The first 12 hex of the bundle's full id (the legacy column held a short token too).</summary>
    public static string For(string bundleId) => bundleId.Length >= 12 ? bundleId[..12] : bundleId;
}

/// <summary>Economy options that change the result (PolicyEngine's <c>target</c>).</summary>
public static class EconomyTargets
{
    public const string General = "general";
    public const string Cliff = "cliff";

    public static bool IsKnown(string? target) => target is General or Cliff;
}

/// <summary>
/// The key of a <c>reform_impact</c> row. THE one place its fields are built: the cache writes rows
/// with <see cref="Build"/>, and the rerun deletes with <see cref="ForReport"/>, which calls
/// <see cref="Build"/> with the report's inputs — so a rerun deletes exactly the rows the cache wrote
/// (the legacy rerun hard-coded <c>dataset="default"</c> and <c>options_hash="[]"</c> and matched nothing).
/// Region is canonical (<c>state/CA</c>); dataset is the bundle's dataset artifact; the options carry
/// the bundle id and target, in ordinal key order; <c>api_version</c> is the bundle's cache version.
/// </summary>
public sealed record ReformImpactKey(
    string CountryId, long ReformPolicyId, long BaselinePolicyId, string Region, string Dataset, string TimePeriod,
    string OptionsJson, string OptionsHash, string ApiVersion)
{
    public static ReformImpactKey Build(string countryId, long reformPolicyId, long baselinePolicyId, string canonicalRegion, string timePeriod, ExecutionBundle bundle, string target)
    {
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["bundle_id"] = bundle.BundleId,
            ["target"] = target,
        };
        var json = new JsonObject();
        foreach (var (key, value) in options)
        {
            json[key] = value;
        }

        // PolicyEngine's options_hash form: "[k=v&k=v]".
        var hash = "[" + string.Join("&", options.Select(o => $"{o.Key}={o.Value}")) + "]";
        return new ReformImpactKey(countryId, reformPolicyId, baselinePolicyId, canonicalRegion, bundle.Dataset, timePeriod,
            json.ToJsonString(), hash, ReportCacheVersion.For(bundle.BundleId));
    }

    /// <summary>The key of an economy report: baseline = simulation 1's policy, reform = simulation 2's (or 1's), region = simulation 1's population, period = the year.</summary>
    public static ReformImpactKey ForReport(ReportOutput report, ReportSimulation simulation1, ReportSimulation? simulation2, ExecutionBundle bundle) =>
        Build(report.CountryId, (simulation2 ?? simulation1).PolicyId, simulation1.PolicyId, simulation1.PopulationId, report.Year, bundle, ReportOptions.Target(report.OptionsJson));

    public IQueryable<ReformImpact> Match(IQueryable<ReformImpact> rows) =>
        rows.Where(r => r.CountryId == CountryId && r.ReformPolicyId == ReformPolicyId && r.BaselinePolicyId == BaselinePolicyId
            && r.Region == Region && r.TimePeriod == TimePeriod && r.OptionsHash == OptionsHash && r.ApiVersion == ApiVersion && r.Dataset == Dataset);

    public ReformImpact NewRow(string executionId, DateTime now) => new()
    {
        CountryId = CountryId,
        ReformPolicyId = ReformPolicyId,
        BaselinePolicyId = BaselinePolicyId,
        Region = Region,
        Dataset = Dataset,
        TimePeriod = TimePeriod,
        OptionsJson = OptionsJson,
        OptionsHash = OptionsHash,
        ApiVersion = ApiVersion,
        ReformImpactJson = "{}",
        Status = ReformImpactStatuses.Computing,
        StartTime = now,
        ExecutionId = executionId,
    };
}

/// <summary>A report's options JSON (<c>{"target": …}</c>).</summary>
public static class ReportOptions
{
    public static string Json(string target) => new JsonObject { ["target"] = target }.ToJsonString();

    public static string Target(string optionsJson) =>
        JsonNode.Parse(optionsJson) is JsonObject o && o["target"] is JsonValue v && v.TryGetValue<string>(out var t) && EconomyTargets.IsKnown(t) ? t : EconomyTargets.General;
}
