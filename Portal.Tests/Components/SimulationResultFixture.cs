using System.Text.Json.Nodes;
using Portal.Core.Engine;
using Portal.Core.Features.Simulations.Economy;
using Portal.Tests.Features;

namespace Portal.Tests.Components;

/// <summary>
/// Real economy comparison results, computed once by <see cref="EconomyComparison.Compute"/> over the
/// seeded synthetic US and UK datasets of <see cref="EconomyData"/> and kept as the JSON text a job
/// stores: a US standard-deduction rise (winners), a UK child benefit uplift, and a US no-op.
/// </summary>
public sealed class SimulationResultFixture : IDisposable
{
    private readonly EconomyData data = new();

    public SimulationResultFixture()
    {
        UsDeduction = Compute("us", """
            {"gov.irs.deductions.standard.SINGLE": {"2025-01-01.2100-12-31": 25000},
             "gov.irs.deductions.standard.JOINT": {"2025-01-01.2100-12-31": 50000}}
            """);
        UkChildBenefit = Compute("uk", """
            {"gov.hmrc.child_benefit.amount.eldest": {"2025-04-06.2026-04-05": 40},
             "gov.hmrc.child_benefit.amount.additional": {"2025-04-06.2026-04-05": 30}}
            """);
        UsNoOp = Compute("us", "{}");
    }

    public JsonObject UsDeduction { get; }

    public JsonObject UkChildBenefit { get; }

    public JsonObject UsNoOp { get; }

    private JsonObject Compute(string country, string reform) =>
        EconomyComparison.Compute(new EconomyComparisonRequest(
            data.Model(country), data.Load(country), EconomyData.Period, Reform.Empty, Reform.Parse(reform),
            EconomyRegion.Parse(country, null).Value!, data.Model(country).Version, "2025.1.0"));

    public void Dispose() => data.Dispose();
}
