using Portal.Core.Common;
using Portal.Core.Features.Reports;

namespace Portal.Components.Pages.Reports;

/// <summary>
/// Report pages are addressed by id alone (<c>/reports/{id}</c>: ids are unique across countries),
/// while the legacy handlers take the country too; this asks each legacy country in turn.
/// </summary>
public static class ReportLoader
{
    public static readonly string[] Countries = ["us", "uk"];

    public static async Task<Result<ReportDetail>> LoadAsync(GetReportHandler handler, long id, CancellationToken ct = default)
    {
        foreach (var country in Countries)
        {
            var found = await handler.HandleAsync(country, id, ct);
            if (found.Problem?.Kind != ProblemKind.NotFound)
            {
                return found;
            }
        }

        return Problem.NotFound($"Report #{id}");
    }

    /// <summary>The Rerun button's rule, the same as the rerun handler's: an Analyst's own report, or any report for a Maintainer or Admin.</summary>
    public static bool CanRerun(ReportView report, Actor actor) =>
        Portal.Core.Identity.PortalPolicies.Allows(Portal.Core.Identity.PortalPolicies.CanPromote, actor.Roles)
        || (Portal.Core.Identity.PortalPolicies.Allows(Portal.Core.Identity.PortalPolicies.CanRun, actor.Roles) && report.OwnerId is not null && report.OwnerId == actor.UserId);
}
