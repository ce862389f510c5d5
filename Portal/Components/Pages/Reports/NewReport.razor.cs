using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Auth;
using Portal.Components.Shared;
using Portal.Core.Common;
using Portal.Core.Engine;
using Portal.Core.Features.Models;
using Portal.Core.Features.Policies;
using Portal.Core.Features.Reports;
using Portal.Core.Features.Simulations;
using Portal.Hosting;

namespace Portal.Components.Pages.Reports;

/// <summary>
/// The new-report form. Editor actions only re-render; the submit goes through the same handlers as
/// the legacy API, in the order a PolicyEngine client calls them: policies, household (household
/// reports), one simulation per policy, then the report, and lands on the report page.
/// </summary>
public sealed partial class NewReport
{
    private static readonly Crumb[] Trail = [new("Reports", "/reports")];
    private static readonly (string Key, string Label)[] TypeTabs = [(ReportTypes.Economy, "Population (economy)"), (ReportTypes.Household, "Household")];
    private SimulationFormOptions options = default!;
    private IReadOnlyList<PolicyView> policies = [];
    private ReformParameterSearch? search;
    private Problem? searchProblem;
    private Problem? problem;

    [Inject] private SimulationFormOptionsHandler OptionsHandler { get; set; } = default!;
    [Inject] private SearchReformParametersHandler SearchHandler { get; set; } = default!;
    [Inject] private ListPoliciesHandler Policies { get; set; } = default!;
    [Inject] private ReportCreation Creation { get; set; } = default!;
    [Inject] private FlashMessages Flash { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [SupplyParameterFromForm(FormName = "new-report")] private ReportFormInput Input { get; set; } = default!;
    [SupplyParameterFromQuery(Name = "country")] private string? CountryQuery { get; set; }
    [SupplyParameterFromQuery(Name = "type")] private string? TypeQuery { get; set; }

    private string Type => (Input?.Type ?? TypeQuery) == ReportTypes.Household ? ReportTypes.Household : ReportTypes.Economy;

    private int Year => int.TryParse(Input.Year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : options.DefaultYear;

    protected override async Task OnInitializedAsync()
    {
        var posted = Input is not null;
        Input ??= new ReportFormInput();
        options = await OptionsHandler.HandleAsync(Input.Country ?? CountryQuery);
        policies = (await Policies.HandleAsync(options.Country, 1, 100)).Items;
        if (!posted)
        {
            Input.Bundle = options.DefaultBundle;
            Input.Year = options.DefaultYear.ToString(CultureInfo.InvariantCulture);
            Input.Region = options.Country;
            Input.Earnings1 = options.Country == "uk" ? "25000" : "30000";
        }

        Input.Changes = [.. (Input.Changes ?? []).Where(c => c is not null)];
        if (Input.Changes.Count == 0)
        {
            Input.Changes.Add(new Simulations.ReformRowInput());
        }

        if (!string.IsNullOrWhiteSpace(Input.Query))
        {
            var found = await SearchHandler.HandleAsync(options.Country, Input.Bundle, Year, Input.Query);
            (search, searchProblem) = (found.Value, found.Problem);
        }
    }

    private async Task SubmitAsync()
    {
        if (Input.ApplyEdit())
        {
            return;
        }

        var release = options.Bundles.FirstOrDefault(b => b.Value == Input.Bundle)?.ModelVersion;
        var created = await Creation.CreateAsync(options.Country, Type, Input, release, (await AuthState).User.ToActor());
        if (!created.Succeeded)
        {
            problem = created.Problem;
            return;
        }

        var report = created.Value!;
        Flash.Add(FlashKind.Success, report.Created ? $"Created report #{report.Value.Id}; it is computing." : $"The same report already exists (#{report.Value.Id}, {report.Value.Status}); showing it.");
        Navigation.NavigateTo($"/reports/{report.Value.Id}");
    }
}
