namespace Portal.Core.Features.ModelReleases;

/// <summary>
/// A country model package release the platform has run, recorded the first time it is seen.
/// Rows are never updated: the (country, version) → sha256 pairing is what makes a version
/// number mean one exact set of rules forever, across deployments that share the database.
/// </summary>
public sealed class ModelRelease
{
    public long Id { get; set; }

    public string Country { get; set; } = "";

    public string Version { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public string Name { get; set; } = "";

    public DateTime FirstSeenUtc { get; set; }
}
