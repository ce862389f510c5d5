namespace Portal.Core.Features.Bundles;

/// <summary>
/// A named moving pointer (e.g. <c>latest</c>, <c>stable</c>) from a country to a certified bundle.
/// Discovery sugar only: a job always records the bundle it resolved, never the alias.
/// <see cref="Revision"/> increases by one on every change and is the alias's ETag alongside the
/// bundle id (optimistic concurrency for <c>If-Match</c>).
/// </summary>
public sealed class BundleAlias
{
    public long Id { get; set; }

    public string Country { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Full bundle id (sha256) the alias points at now.</summary>
    public string BundleId { get; set; } = "";

    public long Revision { get; set; }

    public DateTime UpdatedUtc { get; set; }

    public string UpdatedBy { get; set; } = "";
}

/// <summary>One change of an alias, appended in the same transaction as the change. Never updated or deleted.</summary>
public sealed class AliasEvent
{
    public long Id { get; set; }

    public string Country { get; set; } = "";

    public string Alias { get; set; } = "";

    /// <summary>Null when the alias was created by this event.</summary>
    public string? FromBundle { get; set; }

    public string ToBundle { get; set; } = "";

    /// <summary>The alias revision after this change.</summary>
    public long Revision { get; set; }

    public string Actor { get; set; } = "";

    public string Reason { get; set; } = "";

    public DateTime AtUtc { get; set; }
}
