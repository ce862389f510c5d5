namespace Portal.Core.Features.DataReleases;

/// <summary>
/// An immutable data release: (country, version) pinned to one manifest revision (the sha256 of
/// its canonical manifest). Rows are never updated; a changed manifest needs a new version.
/// </summary>
public sealed class DataRelease
{
    public long Id { get; set; }

    public string Country { get; set; } = "";

    public string Version { get; set; } = "";

    public string ManifestRevision { get; set; } = "";

    /// <summary>The canonical manifest exactly as hashed, so it can be served and re-verified byte for byte.</summary>
    public string ManifestJson { get; set; } = "";

    public int Period { get; set; }

    public DateTime CreatedUtc { get; set; }

    public string CreatedBy { get; set; } = "";

    public List<DataReleaseArtifact> Artifacts { get; set; } = [];
}

/// <summary>One file of a release (the "datasets" of the API): content-addressed by its sha256 in the artifact store.</summary>
public sealed class DataReleaseArtifact
{
    public long Id { get; set; }

    public long DataReleaseId { get; set; }

    public DataRelease? DataRelease { get; set; }

    public string Name { get; set; } = "";

    public string Path { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public long SizeBytes { get; set; }

    /// <summary>Row counts per entity as canonical JSON, e.g. <c>{"household":2000,"person":5100}</c>.</summary>
    public string RowsJson { get; set; } = "{}";
}
