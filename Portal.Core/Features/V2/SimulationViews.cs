using System.Text.Json.Nodes;
using Portal.Core.Features.Bundles;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.V2;

/// <summary>
/// v2 status names (as v2-alpha uses them) for the gateway's job statuses:
/// submitted → pending, running → running, complete → completed, failed → failed.
/// </summary>
public static class V2Statuses
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    public static IReadOnlyList<string> All { get; } = [Pending, Running, Completed, Failed];

    public static string Of(string jobStatus) => jobStatus switch
    {
        SimulationJobStatuses.Submitted => Pending,
        SimulationJobStatuses.Running => Running,
        SimulationJobStatuses.Complete => Completed,
        SimulationJobStatuses.Failed => Failed,
        _ => jobStatus,
    };

    public static string? ToJob(string v2Status) => v2Status switch
    {
        Pending => SimulationJobStatuses.Submitted,
        Running => SimulationJobStatuses.Running,
        Completed => SimulationJobStatuses.Complete,
        Failed => SimulationJobStatuses.Failed,
        _ => null,
    };
}

/// <summary>
/// The read schema of a v2 simulation (a <see cref="SimulationJob"/> of kind <c>simulation</c>).
/// <see cref="Bundle"/> is the resolved bundle, whatever alias the request named.
/// </summary>
public sealed record SimulationView(
    string Id,
    string Country,
    string? PolicyId,
    int TimePeriod,
    string Region,
    string Status,
    double Progress,
    string? Stage,
    string? Error,
    string BundleRequested,
    string? ViaAlias,
    AliasTarget? Bundle,
    JsonNode? Result,
    string SubmittedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? StartedAt,
    DateTime? CompletedAt)
{
    public string Url => $"/api/v2/simulations/{Id}";

    public static SimulationView Of(SimulationJob job, ExecutionBundle? bundle)
    {
        var inputs = V2SimulationInputs.Parse(job.RequestJson);
        var status = V2Statuses.Of(job.Status);
        return new SimulationView(
            job.JobId, job.Country, inputs.PolicyId, inputs.TimePeriod, inputs.Region, status, job.Progress, job.Stage, job.Error,
            inputs.Bundle, inputs.ViaAlias, bundle is null ? null : AliasTarget.Of(bundle),
            status == V2Statuses.Completed && job.ResultJson is not null ? JsonNode.Parse(job.ResultJson) : null,
            job.SubmittedBy, job.SubmittedUtc, job.CompletedUtc ?? job.StartedUtc ?? job.SubmittedUtc, job.StartedUtc, job.CompletedUtc);
    }
}

/// <summary>A submit outcome: <see cref="Created"/> is false when an identical simulation was already queued, running or done.</summary>
public sealed record SimulationSubmitted(SimulationView Simulation, bool Created);
