namespace Portal.Core.Features.Policies;

/// <summary>
/// A named parameter reform of one country (the v2 <c>policies</c> resource). The changes are
/// stored in canonical form and identified by <see cref="PolicyHash"/>, which is unique: the same
/// changes are one policy, whatever name the second creator gave them. Rows are never changed.
/// </summary>
public sealed class Policy
{
    /// <summary>Public id, <c>pol_</c> + 26 base32 characters.</summary>
    public string Id { get; set; } = "";

    public string Country { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Canonical list form: <c>[{path, start, stop?, value}]</c> sorted by path then start (see <see cref="PolicyParameters"/>).</summary>
    public string ChangesJson { get; set; } = "[]";

    public int ChangeCount { get; set; }

    /// <summary>sha256 of the canonical JSON of the country and the sorted changes.</summary>
    public string PolicyHash { get; set; } = "";

    /// <summary>The model release the changes were validated against when the policy was created.</summary>
    public string ValidatedModelVersion { get; set; } = "";

    public string CreatedBy { get; set; } = "";

    public DateTime CreatedUtc { get; set; }

    public DateTime UpdatedUtc { get; set; }
}
