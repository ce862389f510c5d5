using System.Text.RegularExpressions;

namespace Portal.Core.Engine;

/// <summary>Where country packages live and whether releases missing from the lock file may load.</summary>
public sealed class ModelOptions
{
    public const string Section = "Models";

    /// <summary>Folder holding <c>&lt;country&gt;/&lt;version&gt;/</c>; default: <c>Countries</c> next to Portal.Core.dll.</summary>
    public string? Directory { get; set; }

    /// <summary>Development convenience: load releases that are not in releases.lock.json. Never in production.</summary>
    public bool AllowUnlocked { get; set; }

    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "Countries");

    /// <summary>Reads <c>Models:Directory</c> (relative paths against <paramref name="contentRoot"/>) and <c>Models:AllowUnlocked</c>.</summary>
    public static ModelOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration, string contentRoot)
    {
        var section = configuration.GetSection(Section);
        var directory = section["Directory"];
        return new ModelOptions
        {
            Directory = string.IsNullOrWhiteSpace(directory) ? DefaultDirectory : Path.GetFullPath(directory, contentRoot),
            AllowUnlocked = bool.TryParse(section["AllowUnlocked"], out var allow) && allow,
        };
    }
}

/// <summary>
/// Every release under <c>&lt;dir&gt;/&lt;country&gt;/&lt;version&gt;/</c>, loaded, compiled and checked
/// against <c>&lt;dir&gt;/&lt;country&gt;/releases.lock.json</c>. Immutable; registered as a singleton.
/// </summary>
public sealed partial class ModelCatalog
{
    private ModelCatalog(string directory, IReadOnlyList<CountryModel> models)
    {
        Directory = directory;
        Models = models;
        Countries = [.. models.Select(m => m.Country).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public string Directory { get; }

    /// <summary>All releases, by country then version (ascending).</summary>
    public IReadOnlyList<CountryModel> Models { get; }

    public IReadOnlyList<string> Countries { get; }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionFolder();

    /// <summary>Releases of one country, ascending by version.</summary>
    public IEnumerable<CountryModel> Releases(string country) =>
        Models.Where(m => string.Equals(m.Country, country, StringComparison.OrdinalIgnoreCase));

    /// <summary>The release <paramref name="version"/> of <paramref name="country"/>, or the highest version when null.</summary>
    public CountryModel? Find(string country, string? version = null) =>
        version is null
            ? Releases(country).LastOrDefault()
            : Releases(country).FirstOrDefault(m => string.Equals(m.Version, version, StringComparison.Ordinal));

    /// <summary>
    /// Loads every release. Throws <see cref="ModelLoadException"/> for a broken package, a locked
    /// release whose content changed, a locked release whose folder is gone, or (unless
    /// <paramref name="allowUnlocked"/>) a release missing from the lock file. A missing directory is an empty catalog.
    /// </summary>
    public static ModelCatalog Load(string countriesDirectory, bool allowUnlocked)
    {
        var root = Path.GetFullPath(countriesDirectory);
        var models = new List<CountryModel>();
        if (!System.IO.Directory.Exists(root))
        {
            return new ModelCatalog(root, models);
        }

        foreach (var countryDir in System.IO.Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var country = Path.GetFileName(countryDir);
            var locks = ReleaseLockFile.Read(countryDir);
            var versions = VersionFolders(countryDir);
            foreach (var version in versions)
            {
                var model = LoadRelease(root, country, version);
                var locked = locks.FirstOrDefault(l => l.Country == country && l.Version == version);
                if (locked is null)
                {
                    if (!allowUnlocked)
                    {
                        throw new ModelLoadException(
                            $"{country}/{version}: release is not listed in {country}/{ReleaseLockFile.FileName} (sha256 {model.Sha256}); " +
                            $"lock it with 'portal model lock --country {country}' once it is final");
                    }
                }
                else if (!string.Equals(locked.Sha256, model.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ModelLoadException(
                        $"{country}/{version}: content changed without a version bump ({ReleaseLockFile.FileName} has sha256 {locked.Sha256}, " +
                        $"the folder hashes to {model.Sha256}); restore the released files or publish the change as a new version");
                }

                models.Add(model);
            }

            foreach (var orphan in locks.Where(l => !versions.Contains(l.Version)))
            {
                throw new ModelLoadException($"{country}/{ReleaseLockFile.FileName}: lists released version {orphan.Version} but its folder is missing; released versions must stay");
            }
        }

        return new ModelCatalog(root, models);
    }

    /// <summary>
    /// Every release folder with its lock state, without failing on the first problem (for
    /// <c>portal model list</c> and diagnostics). Broken packages carry their error.
    /// </summary>
    public static IReadOnlyList<ReleaseStatus> Inspect(string countriesDirectory)
    {
        var root = Path.GetFullPath(countriesDirectory);
        var result = new List<ReleaseStatus>();
        if (!System.IO.Directory.Exists(root))
        {
            return result;
        }

        foreach (var countryDir in System.IO.Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var country = Path.GetFileName(countryDir);
            IReadOnlyList<ReleaseLock> locks;
            try
            {
                locks = ReleaseLockFile.Read(countryDir);
            }
            catch (ModelLoadException e)
            {
                result.Add(new ReleaseStatus(country, "?", countryDir, null, null, null, e.Message));
                continue;
            }

            var versions = VersionFolders(countryDir);
            foreach (var version in versions)
            {
                var folder = Path.Combine(countryDir, version);
                var locked = locks.FirstOrDefault(l => l.Version == version)?.Sha256;
                try
                {
                    var model = LoadRelease(root, country, version);
                    result.Add(new ReleaseStatus(country, version, folder, model, model.Sha256, locked, null));
                }
                catch (ModelLoadException e)
                {
                    result.Add(new ReleaseStatus(country, version, folder, null, ReleaseHash.Compute(folder), locked, e.Message));
                }
            }
        }

        return result;
    }

    /// <summary>The country folder's release folders (semver-named), lowest version first.</summary>
    private static List<string> VersionFolders(string countryDir) =>
        System.IO.Directory.EnumerateDirectories(countryDir)
            .Select(d => Path.GetFileName(d))
            .Where(v => VersionFolder().IsMatch(v))
            .Order(SemverComparer.Instance)
            .ToList();

    /// <summary>Loads one release folder, prefixing load errors with <c>country/version/</c>.</summary>
    public static CountryModel LoadRelease(string countriesDirectory, string country, string version)
    {
        var folder = Path.Combine(countriesDirectory, country, version);
        try
        {
            return PackageLoader.Load(folder);
        }
        catch (ModelLoadException e)
        {
            throw new ModelLoadException($"{country}/{version}/{e.Message}");
        }
    }
}

public enum ReleaseState
{
    Locked,
    Unlocked,
    Changed,
    Broken,
}

/// <summary>A release folder as found on disk: its model (when it loads), its hash and its lock entry.</summary>
public sealed record ReleaseStatus(string Country, string Version, string Folder, CountryModel? Model, string? Sha256, string? LockedSha256, string? Error)
{
    public ReleaseState State =>
        Error is not null ? ReleaseState.Broken
        : LockedSha256 is null ? ReleaseState.Unlocked
        : string.Equals(LockedSha256, Sha256, StringComparison.OrdinalIgnoreCase) ? ReleaseState.Locked
        : ReleaseState.Changed;
}
