using Portal.Core.Engine;

namespace Portal.Core.Features.Simulations.Economy;

/// <summary>
/// One economy comparison: <paramref name="Baseline"/> is the baseline policy (usually empty =
/// current law) applied to the baseline simulation; the reform simulation applies the baseline's
/// changes and then <paramref name="Reform"/>'s, so the reform wins where both set a parameter.
/// </summary>
public sealed record EconomyComparisonRequest(
    CountryModel Model,
    Population Population,
    int Period,
    Reform Baseline,
    Reform Reform,
    EconomyRegion Region,
    string ModelVersion,
    string DataVersion,
    bool IncludeCliffs = false);

/// <summary>
/// The data or model cannot answer the comparison (a region with no households, a dataset without
/// the geography column a region needs, a package without a concept the result reports). The
/// message is for the person who submitted the job.
/// </summary>
public sealed class EconomyComparisonException(string message) : Exception(message);
