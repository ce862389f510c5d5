using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.Reports;

/// <summary>
/// The inputs a report and the legacy economy endpoint share — a year, an economy target and a
/// bundle choice — checked one way, so the two never disagree on what they accept.
/// </summary>
internal static class ReportInputs
{
    /// <summary>
    /// The year (or <paramref name="defaultYear"/>), the target and the bundle, checked in that order;
    /// the first problem is the answer.
    /// </summary>
    public static async Task<Result<(int Year, string Target, ExecutionBundle Bundle)>> CheckAsync(
        GatewayBundleResolver resolver, string country, string? yearText, int defaultYear, string yearField, string yearExample,
        string? target, string? bundle, string? version, string? dataset, CancellationToken ct)
    {
        var year = Year(yearText, defaultYear, yearField, yearExample);
        if (!year.Succeeded)
        {
            return year.Problem!;
        }

        var checkedTarget = Target(target);
        if (!checkedTarget.Succeeded)
        {
            return checkedTarget.Problem!;
        }

        var resolved = await ResolveBundleAsync(resolver, country, bundle, version, dataset, year.Value, ct);
        if (!resolved.Succeeded)
        {
            return resolved.Problem!;
        }

        return (year.Value, checkedTarget.Value!, resolved.Value!.Bundle);
    }

    /// <summary>The year in <paramref name="text"/>, or <paramref name="fallback"/> when absent.</summary>
    public static Result<int> Year(string? text, int fallback, string field, string example)
    {
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1900 and <= 2099
            ? year
            : Problem.Invalid(field, $"Expected a year between 1900 and 2099, e.g. {example}.");
    }

    public static Result<string> Target(string? requested)
    {
        var target = requested ?? EconomyTargets.General;
        return EconomyTargets.IsKnown(target) ? target : Problem.Invalid("target", "Must be 'general' or 'cliff'.");
    }

    /// <summary>The bundle the gateway would use for this country, bundle/version and dataset in <paramref name="year"/>.</summary>
    public static Task<Result<ResolvedBundle>> ResolveBundleAsync(
        GatewayBundleResolver resolver, string country, string? bundle, string? version, string? dataset, int year, CancellationToken ct) =>
        resolver.ResolveAsync(new GatewayRequest(country, bundle, version, null, null, dataset, year, null, null, null, null, false, null, null, null), ct);
}
