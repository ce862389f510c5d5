using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Auth;
using Portal.Components.Shared;
using Portal.Core.Common;
using Portal.Core.Features.Simulations;
using Portal.Hosting;

namespace Portal.Components.Pages.Simulations;

/// <summary>
/// The submit form's logic: defaults from the country's options, row edits that only re-render,
/// and the submit, which builds the same <see cref="GatewayRequest"/> the API parses and calls the
/// same handler, so the form and <c>POST /simulate/economy/comparison</c> cannot disagree.
/// </summary>
public sealed partial class NewSimulation
{
    private static readonly Crumb[] Trail = [new("Simulations", "/simulations")];
    private SimulationFormOptions options = default!;
    private ReformParameterSearch? search;
    private Problem? searchProblem;
    private Problem? problem;

    [SupplyParameterFromForm(FormName = "submit-simulation")]
    private SimulationFormInput Input { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "country")]
    private string? CountryQuery { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthState { get; set; } = default!;

    private int Year => int.TryParse(Input.Year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : options.DefaultYear;

    private bool Invalid(string field) => problem?.Errors?.ContainsKey(field) == true;

    protected override async Task OnInitializedAsync()
    {
        var posted = Input is not null;
        Input ??= new SimulationFormInput();
        options = await OptionsHandler.HandleAsync(Input.Country ?? CountryQuery);
        if (!posted)
        {
            Input.Bundle = options.DefaultBundle;
            Input.Year = options.DefaultYear.ToString(CultureInfo.InvariantCulture);
            Input.Region = options.Country;
        }

        // The form mapper leaves the list null when no row was posted (and gaps when indices skip).
        Input.Changes = [.. (Input.Changes ?? []).Where(c => c is not null)];
        if (Input.Changes.Count == 0)
        {
            Input.Changes.Add(new ReformRowInput());
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

        if (!int.TryParse(Input.Year, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            problem = Problem.Invalid("time_period", $"'{Input.Year}' is not a year; enter one such as {options.DefaultYear}.");
            return;
        }

        var policy = ReformRows.ToPolicy(Input.ToRows(), year);
        if (!policy.Succeeded)
        {
            problem = policy.Problem;
            return;
        }

        var request = new GatewayRequest(options.Country, Input.Bundle, null, null, null, null, year, policy.Value, null, Input.Region,
            string.IsNullOrWhiteSpace(Input.Title) ? null : Input.Title.Trim(), false, null, null, null);
        var result = await Submit.HandleAsync(request, (await AuthState).User.ToActor());
        if (!result.Succeeded)
        {
            problem = result.Problem;
            return;
        }

        var job = result.Value!.Job;
        Flash.Add(FlashKind.Success, result.Value.Created
            ? $"Submitted {job.JobId} on {result.Value.Bundle.DisplayId}."
            : $"The same simulation on {result.Value.Bundle.DisplayId} already exists ({job.Status}); showing it.");
        Navigation.NavigateTo($"/simulations/{job.JobId}");
    }
}
