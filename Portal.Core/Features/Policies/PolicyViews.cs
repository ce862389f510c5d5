using System.Text.Json.Nodes;

namespace Portal.Core.Features.Policies;

/// <summary>The read schema of a policy. <see cref="Parameters"/> is PolicyEngine's policy JSON in canonical order.</summary>
public sealed record PolicyView(
    string Id,
    string Country,
    string Name,
    string? Description,
    JsonObject Parameters,
    int ChangeCount,
    string PolicyHash,
    string ValidatedModelVersion,
    string CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public string Url => $"/api/v2/policies/{Id}";

    public static PolicyView Of(Policy p) => new(p.Id, p.Country, p.Name, p.Description, PolicyParameters.ToPolicyEngineMap(p.ChangesJson),
        p.ChangeCount, p.PolicyHash, p.ValidatedModelVersion, p.CreatedBy, p.CreatedUtc, p.UpdatedUtc);
}

/// <summary>A create outcome: <see cref="Created"/> is false when an equal policy already existed (it is returned instead).</summary>
public sealed record PolicyCreated(PolicyView Policy, bool Created);
