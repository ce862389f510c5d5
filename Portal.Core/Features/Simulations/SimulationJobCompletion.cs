namespace Portal.Core.Features.Simulations;

/// <summary>
/// Told when a job reaches complete or failed (after the runner's final update). The run registry
/// uses it to give every gateway job its provenance record. A hook's failure is logged, never
/// reaches the job or the scheduler.
/// </summary>
public interface ISimulationJobCompletionHook
{
    Task JobFinishedAsync(string jobId, CancellationToken ct = default);
}
