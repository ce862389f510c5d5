namespace Portal.Core.Features.Audit;

/// <summary>
/// One security-relevant change (user created, role changed, token revoked, …), written in
/// the same transaction as the change itself so the log can never disagree with the data.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTime AtUtc { get; set; }

    public string? ActorId { get; set; }

    public string ActorName { get; set; } = "";

    /// <summary>Dotted verb, e.g. <c>user.roles_changed</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>What was changed, e.g. <c>user:ada@example.org</c>.</summary>
    public string Target { get; set; } = "";

    public string Details { get; set; } = "";
}
