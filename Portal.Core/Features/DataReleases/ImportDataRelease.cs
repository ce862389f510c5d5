using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Bundles;
using Portal.Core.Hdf5;
using Portal.Core.Identity;
using Portal.Core.Microdata;

namespace Portal.Core.Features.DataReleases;

/// <param name="Period">The period to import; null takes the file's root attribute <c>period</c>.</param>
/// <param name="FileName">The uploader's file name: recorded in the manifest, sanitised for its path.</param>
/// <param name="Content">The file's bytes, read once from the start (a request body or a form file).</param>
public sealed record ImportDataReleaseRequest(string Country, string Version, int? Period, string? FileName, Stream Content)
{
    public const string PeriodRule = "Period must be a year between 2000 and 2100.";

    /// <summary>The period as the API's query string and the page's form send it: absent is null (the file's own), digits only.</summary>
    public static bool TryParsePeriod(string? text, out int? period)
    {
        period = null;
        if (text is null)
        {
            return true;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        period = parsed;
        return true;
    }
}

/// <summary>The registered release (the same members as <see cref="DataReleaseDetail"/>) and what the checks noted without refusing.</summary>
public sealed record ImportedDataRelease(DataReleaseSummary Release, IReadOnlyList<DatasetSummary> Artifacts, string ManifestJson, IReadOnlyList<string> Warnings);

/// <summary>
/// Imports a microdata file produced elsewhere as a new data release. The bytes are streamed to a
/// staging file under a byte cap; the file must then open with Portal's HDF5
/// reader, have a sound PolicyEngine layout (<see cref="ImportedFileLayout"/>), load against the
/// country's newest shipped model and pass the baseline smoke simulation of bundle certification.
/// Only then is it moved into the artifact store and registered (one transaction); a failed
/// registration removes the blob again unless something else references it. The staging file is
/// always deleted, so a refused upload leaves nothing behind.
/// </summary>
public sealed partial class ImportDataReleaseHandler(PortalDbContext db, IArtifactStore store, RegisterDataReleaseHandler register, ModelCatalog models, IOptions<DataImportOptions> options)
{
    public const string GeneratorName = "imported";

    private const int MaxListedProblems = 50;

    public async Task<Result<ImportedDataRelease>> HandleAsync(ImportDataReleaseRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanPublish, actor.Roles))
        {
            return Problem.Forbidden("Importing data releases needs the Maintainer or Admin role.");
        }

        var validation = new Validation()
            .RequireRelease(request.Country, request.Version)
            .Require(request.Period is null or (>= 2000 and <= 2100), "period", ImportDataReleaseRequest.PeriodRule);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var model = models.Find(request.Country);
        if (model is null)
        {
            return Problem.Invalid("country", $"No {request.Country} model is shipped, so a {request.Country} file cannot be checked.");
        }

        if (await db.DataReleases.AnyAsync(r => r.Country == request.Country && r.Version == request.Version, ct))
        {
            return Problem.Conflict($"{request.Country}@{request.Version} already exists. Releases are immutable: choose a new version.");
        }

        var staged = Path.Combine(store.StagingDirectory, $"import-{Guid.NewGuid():N}.h5.tmp");
        try
        {
            var limit = options.Value.MaxImportBytes;
            var bytes = await CopyAsync(request.Content, staged, limit, ct);
            if (bytes > limit)
            {
                return Problem.PayloadTooLarge($"The file is larger than the import limit of {limit:N0} bytes (Data:MaxImportBytes).");
            }

            if (bytes == 0)
            {
                return Rejected("The upload is empty: send the HDF5 file as the body.", []);
            }

            var checkedFile = Check(staged, bytes, model, request.Period);
            if (!checkedFile.Succeeded)
            {
                return checkedFile.Problem!;
            }

            var (layout, warnings) = checkedFile.Value;
            return await StoreAndRegisterAsync(request, actor, model, staged, layout, warnings, ct);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    private async Task<Result<ImportedDataRelease>> StoreAndRegisterAsync(
        ImportDataReleaseRequest request, Actor actor, CountryModel model, string staged, ImportLayout layout, IReadOnlyList<string> warnings, CancellationToken ct)
    {
        // The store hashes the file as it takes it; a blob it already held (Added: false) belongs to
        // someone else and is never removed below.
        var stored = await store.PutFileAsync(staged, ct);
        var generator = new Dictionary<string, JsonNode?>
        {
            ["name"] = GeneratorName,
            ["original_file_name"] = Bounded(request.FileName),
            ["uploaded_by"] = actor.Name,
            ["checked_against_model"] = $"{model.Country} {model.Version}",
        };
        var artifact = new ManifestArtifact(DataReleaseManifest.NationalArtifact, PathFor(request.FileName, request.Country, layout.Period), stored.Sha256, stored.SizeBytes, layout.Rows);
        var manifest = new DataReleaseManifest(request.Country, request.Version, layout.Period, [artifact], generator);
        Result<DataReleaseDetail> registered;
        try
        {
            registered = await register.HandleAsync(manifest, actor, ct);
        }
        catch
        {
            await DeleteIfOrphanAsync(stored);
            throw;
        }

        if (!registered.Succeeded)
        {
            await DeleteIfOrphanAsync(stored);
            return registered.Problem!;
        }

        var detail = registered.Value!;
        return new ImportedDataRelease(detail.Release, detail.Artifacts, detail.ManifestJson, warnings);
    }

    /// <summary>Copies at most <paramref name="limit"/> + 1 bytes; a count over the limit means "too large".</summary>
    private static async Task<long> CopyAsync(Stream source, string target, long limit, CancellationToken ct)
    {
        await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > limit)
            {
                return total;
            }

            await output.WriteAsync(buffer.AsMemory(0, read), ct);
        }

        await output.FlushAsync(ct);
        return total;
    }

    /// <summary>Every check that needs the file, in order of cost: readable HDF5, layout, model load, smoke simulation.</summary>
    private static Result<(ImportLayout Layout, IReadOnlyList<string> Warnings)> Check(string path, long bytes, CountryModel model, int? period)
    {
        var errors = new List<string>();
        try
        {
            using var file = H5File.Open(path);
            var layout = ImportedFileLayout.Inspect(file, bytes, model, period, errors);
            if (layout is null)
            {
                return Rejected($"The file's layout does not fit a {model.Country} data release.", errors);
            }

            var loaded = DatasetLoader.LoadWithReport(model, file, layout.Period);
            var failed = BundleCertifier.SmokeChecks(model, loaded.Population, layout.Period).Where(c => !c.Passed).ToList();
            if (failed.Count > 0)
            {
                return Rejected($"The file loads into {model}, but the baseline smoke check of {layout.Period} failed.", failed.Select(c => $"{c.Name}: {c.Detail}").ToList());
            }

            var warnings = layout.Warnings.ToList();
            if (loaded.UnknownVariables.Count > 0)
            {
                warnings.Add($"{loaded.UnknownVariables.Count} variable(s) unknown to {model} are not read by formulas: {string.Join(", ", loaded.UnknownVariables.Take(20))}{(loaded.UnknownVariables.Count > 20 ? ", …" : "")}.");
            }

            return (layout, (IReadOnlyList<string>)warnings);
        }
        catch (Hdf5FormatException e)
        {
            return Rejected($"The file is not readable HDF5: {e.Message}.", [e.Message]);
        }
        catch (DatasetValidationException e)
        {
            return Rejected($"The file does not fit {model} ({e.Problems.Count} problem(s)).", e.Problems);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException or OverflowException)
        {
            // The reader raises these for objects of an unexpected kind (a group where a dataset should be, strings read as numbers).
            return Rejected($"The file could not be read as microdata: {e.Message}", [e.Message]);
        }
    }

    /// <summary>A 400 whose detail alone says what is wrong (the first problems), with every problem under <c>errors.file</c>.</summary>
    private static Problem Rejected(string summary, IReadOnlyList<string> problems)
    {
        var listed = problems.Take(MaxListedProblems).ToArray();
        var detail = listed.Length == 0 ? summary : $"{summary} {string.Join(" ", listed.Take(3).Select(p => p.TrimEnd('.') + "."))}";
        return new Problem(ProblemKind.Validation, "Invalid HDF5 file", detail,
            new Dictionary<string, string[]> { ["file"] = listed.Length == 0 ? [summary] : listed });
    }

    private async Task DeleteIfOrphanAsync(StoredArtifact stored)
    {
        // Not cancellable: the request may be gone, the clean-up must still happen.
        if (stored.Added && !await db.DataReleaseArtifacts.AnyAsync(a => a.Sha256 == stored.Sha256, CancellationToken.None))
        {
            store.Delete(stored.Sha256);
        }
    }

    [GeneratedRegex(@"[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeFileNameCharacters();

    /// <summary>The manifest path: the uploaded name reduced to safe characters, or <c>&lt;country&gt;_&lt;period&gt;.h5</c>.</summary>
    internal static string PathFor(string? fileName, string country, int period)
    {
        var name = UnsafeFileNameCharacters().Replace(Path.GetFileName((fileName ?? "").Replace('\\', '/')), "_").Trim('.', '_');
        if (name.Length > 100)
        {
            name = name[^100..];
        }

        return name.Length == 0 ? $"{country}_{period}.h5" : name;
    }

    private static string? Bounded(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var clean = new string(text.Where(c => !char.IsControl(c)).ToArray());
        return clean.Length > 200 ? clean[..200] : clean;
    }
}
