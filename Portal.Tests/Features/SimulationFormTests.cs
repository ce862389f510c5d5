using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Simulations;
using Portal.Core.Microdata;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Features;

/// <summary>The submit form's use cases over real SQLite and the shipped models: options, parameter search, rows → policy.</summary>
public sealed class SimulationFormTests
{
    [Fact]
    public void Rows_become_a_policyengine_policy_with_default_dates_and_blank_rows_ignored()
    {
        var policy = ReformRows.ToPolicy(
        [
            new("gov.irs.deductions.standard.SINGLE", "25,000", null, null),
            new("", "", "", ""),
            new("gov.irs.income.brackets.SINGLE[0].rate", "12%", "2026-01-01", "2026-12-31"),
            new("gov.irs.income.brackets.SINGLE[0].rate", "0.11", "2027-01-01", ""),
            new("gov.states.flag", "true", null, null),
        ], 2026);
        Assert.True(policy.Succeeded, policy.Problem?.Describe());
        var expected = JsonNode.Parse("""
            {"gov.irs.deductions.standard.SINGLE": {"2026-01-01.2100-12-31": 25000},
             "gov.irs.income.brackets.SINGLE[0].rate": {"2026-01-01.2026-12-31": 0.12, "2027-01-01.2100-12-31": 0.11},
             "gov.states.flag": {"2026-01-01.2100-12-31": true}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, policy.Value), policy.Value!.ToJsonString());

        var none = ReformRows.ToPolicy([new(null, null, null, null)], 2026);
        Assert.True(none.Succeeded);
        Assert.Null(none.Value);
    }

    [Fact]
    public void Row_problems_are_keyed_by_row_and_field()
    {
        var result = ReformRows.ToPolicy(
        [
            new("a.b", "", null, null),
            new("", "5", null, null),
            new("c.d", "ten", "2026-13-01", null),
            new("e.f", "1", "2026-06-01", "2026-01-01"),
            new("g.h", "1", null, null),
            new("g.h", "2", null, null),
        ], 2026);
        var errors = result.Problem!.Errors!;
        Assert.Contains("enter a value for a.b", errors["changes[0].value"][0], StringComparison.Ordinal);
        Assert.Contains("choose a parameter", errors["changes[1].path"][0], StringComparison.Ordinal);
        Assert.Contains("'ten' is not a number", errors["changes[2].value"][0], StringComparison.Ordinal);
        Assert.Contains("not a date", errors["changes[2].start"][0], StringComparison.Ordinal);
        Assert.Contains("before the start", errors["changes[3].end"][0], StringComparison.Ordinal);
        Assert.Contains("already set by an earlier row", errors["changes[5].path"][0], StringComparison.Ordinal);
        Assert.False(errors.ContainsKey("changes[4].path"));
    }

    [Fact]
    public async Task Options_list_aliases_first_then_certified_bundles_and_the_country_regions()
    {
        await using var core = await CoreServices.StartAsync();
        var (certified, _) = await AddBundlesAsync(core);

        var us = await core.RunAsync<SimulationFormOptionsHandler, SimulationFormOptions>(h => h.HandleAsync("us"));
        Assert.Equal("latest", us.DefaultBundle);
        Assert.Equal(["latest", "stable", certified.DisplayId], us.Bundles.Select(b => b.Value));
        Assert.Contains(certified.DisplayId, us.Bundles[0].Label, StringComparison.Ordinal);
        Assert.Equal(core.Services.GetRequiredService<ModelCatalog>().Find("us", "1.1.0")!.DefaultPeriod, us.DefaultYear);
        Assert.Equal(["National", "States", "Congressional districts", "Cities"], us.Regions.Select(g => g.Label));
        Assert.Equal(UsGeography.States.Sum(s => s.Districts), us.Regions[2].Regions.Count);
        Assert.Contains(us.Regions[2].Regions, r => r.Value == "district/CA-12");
        Assert.Contains(us.Regions[1].Regions, r => r.Value == "state/CA" && r.Label == "California");

        var uk = await core.RunAsync<SimulationFormOptionsHandler, SimulationFormOptions>(h => h.HandleAsync("uk"));
        Assert.Empty(uk.Bundles);
        Assert.Equal(650, uk.Regions[2].Regions.Count);
        Assert.Contains(uk.Regions[1].Regions, r => r.Value == "region/LONDON");

        var unknown = await core.RunAsync<SimulationFormOptionsHandler, SimulationFormOptions>(h => h.HandleAsync("fr"));
        Assert.Equal("us", unknown.Country);
    }

    [Fact]
    public async Task Parameter_search_reads_the_bundles_model_at_the_start_of_the_year()
    {
        await using var core = await CoreServices.StartAsync();
        await AddBundlesAsync(core);
        var model = core.Services.GetRequiredService<ModelCatalog>().Find("us", "1.1.0")!;

        var found = await core.RunAsync<SearchReformParametersHandler, Result<ReformParameterSearch>>(h => h.HandleAsync("us", "latest", 2025, "standard deduction"));
        Assert.True(found.Succeeded, found.Problem?.Describe());
        Assert.Equal("1.1.0", found.Value!.ModelVersion);
        Assert.Equal("2025-01-01", found.Value.Instant);
        var single = Assert.Single(found.Value.Matches, m => m.Path == "gov.irs.deductions.standard.SINGLE");
        var leaf = (ParameterLeaf)Core.Features.Models.ParameterTree.Find(model.Parameters, single.Path)!;
        Assert.Equal(leaf.Values.Last(v => v.Start <= new DateOnly(2025, 1, 1)).Value, single.Value);

        // Scales are offered bracket by bracket, with the field a reform names.
        var brackets = await core.RunAsync<SearchReformParametersHandler, Result<ReformParameterSearch>>(h => h.HandleAsync("us", null, 2025, "gov.irs.income.brackets.SINGLE"));
        Assert.Contains(brackets.Value!.Matches, m => m.Path == "gov.irs.income.brackets.SINGLE[0].rate" && m.Unit == "/1" && m.Formatted.EndsWith('%'));
        Assert.Contains(brackets.Value.Matches, m => m.Path == "gov.irs.income.brackets.SINGLE[1].threshold");

        var empty = await core.RunAsync<SearchReformParametersHandler, Result<ReformParameterSearch>>(h => h.HandleAsync("us", "latest", 2025, "  "));
        Assert.Empty(empty.Value!.Matches);
        var missing = await core.RunAsync<SearchReformParametersHandler, Result<ReformParameterSearch>>(h => h.HandleAsync("uk", "latest", 2025, "tax"));
        Assert.Contains("No bundle or alias 'latest'", missing.Problem!.Describe(), StringComparison.Ordinal);
    }

    /// <summary>A certified and an uncertified US bundle; <c>latest</c> and <c>stable</c> point at the certified one.</summary>
    private static async Task<(ExecutionBundle Certified, ExecutionBundle Uncertified)> AddBundlesAsync(CoreServices core)
    {
        await using var scope = core.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var certified = await TestBundles.AddAsync(db, "us", "1.1.0", "2024.1.0");
        var uncertified = await TestBundles.AddAsync(db, "us", "1.1.0", "2024.2.0", certified: false);
        foreach (var name in new[] { "stable", "latest" })
        {
            db.BundleAliases.Add(new BundleAlias { Country = "us", Name = name, BundleId = certified.BundleId, Revision = 1, UpdatedUtc = DateTime.UtcNow, UpdatedBy = "test" });
        }

        await db.SaveChangesAsync();
        return (certified, uncertified);
    }
}
