namespace Portal.Core.Features.Bundles;

/// <summary>
/// An immutable execution bundle: the exact model release + data release + dataset artifact a
/// simulation runs on, plus the engine (Portal) version. <see cref="BundleId"/> is the sha256 of the
/// canonical JSON of those fields (<see cref="BundleIdentity"/>), so the same inputs always give the
/// same bundle. Rows are never updated except for the certification, which is written once when the
/// bundle is created.
/// </summary>
public sealed class ExecutionBundle
{
    public long Id { get; set; }

    /// <summary>Full sha256 (64 lower-case hex) of <see cref="CanonicalJson"/>.</summary>
    public string BundleId { get; set; } = "";

    /// <summary><c>bnd_</c> + the first 16 hex of <see cref="BundleId"/>; unique, accepted wherever a bundle id is.</summary>
    public string DisplayId { get; set; } = "";

    public string Country { get; set; } = "";

    public string ModelVersion { get; set; } = "";

    public string ModelSha256 { get; set; } = "";

    public string DataVersion { get; set; } = "";

    public string DataManifestRevision { get; set; } = "";

    /// <summary>The artifact name within the data release (e.g. <c>national</c>).</summary>
    public string Dataset { get; set; } = "";

    public string DatasetSha256 { get; set; } = "";

    public string EngineVersion { get; set; } = "";

    /// <summary>The identity exactly as hashed, so it can be served and re-verified byte for byte.</summary>
    public string CanonicalJson { get; set; } = "";

    /// <summary>True when certification passed (the dataset loaded against the model and a smoke simulation ran). Only certified bundles can be promoted.</summary>
    public bool Certified { get; set; }

    /// <summary>Certification outcome as JSON (<see cref="BundleCertification"/>): <c>{passed, checked_at, checks: [{name, passed, detail}], households, persons, ...}</c>.</summary>
    public string CertificationJson { get; set; } = "{}";

    public DateTime CreatedUtc { get; set; }

    public string CreatedBy { get; set; } = "";
}
