using Portal.Core.Common;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// <c>POST /simulate/economy/budget-window</c>: one parent job (kind <c>budget_window</c>) plus one
/// child row per year (<c>budget_window_year</c>, job id = parent id + <c>_</c> + year), built by
/// <see cref="BudgetWindowJobs"/> and stored in one transaction. Only the parent is queued; it runs
/// the years itself, in order, on one worker slot (see <see cref="BudgetWindowExecutor"/>). Same
/// resolution and dedupe as a comparison; the cache key's options carry the window.
/// </summary>
public sealed class SubmitBudgetWindowHandler(GatewayPreparation preparation, SimulationJobQueue queue)
{
    public async Task<Result<GatewaySubmission>> HandleAsync(GatewayRequest request, Actor actor, CancellationToken ct = default)
    {
        if (request.StartYear is not { } start || request.WindowSize is not { } size)
        {
            return Problem.Invalid("start_year", "start_year and window_size are required.");
        }

        var prepared = await preparation.PrepareAsync(request with { TimePeriod = start }, actor, ct);
        if (!prepared.Succeeded)
        {
            return prepared.Problem!;
        }

        var p = prepared.Value!;
        var (parent, children) = BudgetWindowJobs.Build(request, p, start, size, request.RunId ?? "", actor.Name, reuseCache: true);
        var (stored, created) = await queue.SubmitAsync(parent, children, ct);
        return new GatewaySubmission(stored, PolicyEngineBundle.From(p.Resolved.Bundle), created, request.RunId ?? stored.RunId);
    }
}
