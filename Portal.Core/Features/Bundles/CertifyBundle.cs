using System.Diagnostics;
using System.Text.Json;
using Portal.Core.Engine;
using Portal.Core.Features.DataReleases;
using Portal.Core.Hdf5;
using Portal.Core.Microdata;

namespace Portal.Core.Features.Bundles;

public sealed record CertificationCheck(string Name, bool Passed, string Detail);

/// <summary>
/// What certification found, stored as <see cref="ExecutionBundle.CertificationJson"/>. Counts and
/// totals are zero when the run stopped before it could compute them; the failed check says why.
/// </summary>
public sealed record BundleCertification(
    bool Passed,
    DateTime CheckedAt,
    IReadOnlyList<CertificationCheck> Checks,
    int Period,
    long Households,
    long Persons,
    double WeightedHouseholds,
    IReadOnlyDictionary<string, double> WeightedTotals,
    long ElapsedMs)
{
    /// <summary>Storage format: snake_case like the API, so the stored text can be served as is.</summary>
    public static JsonSerializerOptions Json { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored certification; a row without a readable one keeps its certified flag and says the details are missing.</summary>
    public static BundleCertification Parse(string json, bool certified)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<BundleCertification>(json, Json);
            if (parsed is { Checks: not null, WeightedTotals: not null })
            {
                return parsed;
            }
        }
        catch (JsonException)
        {
            // Falls through to the placeholder below.
        }

        return new BundleCertification(certified, default, [new CertificationCheck("recorded", certified, "No certification details are stored for this bundle.")], 0, 0, 0, 0, new Dictionary<string, double>(), 0);
    }
}

/// <summary>
/// Certifies a bundle: the dataset artifact is read from the store with its sha256 re-verified, must
/// load against the model (<see cref="DatasetLoader"/>), and a baseline smoke simulation of the
/// country's headline variables must give finite values on positive total weight. Every check is
/// recorded, passed or not; nothing here throws for a bad bundle.
/// </summary>
public sealed class BundleCertifier(IArtifactStore store, TimeProvider time)
{
    /// <summary>Variables the smoke simulation computes; household net income first, then what the country's reports headline.</summary>
    public static IReadOnlyList<string> HeadlineVariables(string country) => country switch
    {
        "us" => ["household_net_income", "household_tax", "household_benefits", "income_tax", "state_income_tax", "eitc", "ctc", "snap"],
        "uk" => ["household_net_income", "household_tax", "household_benefits", "income_tax", "national_insurance", "universal_credit", "child_benefit"],
        _ => ["household_net_income"],
    };

    public async Task<BundleCertification> CertifyAsync(CountryModel model, string datasetSha256, int period, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var checks = new List<CertificationCheck>();
        var run = new SmokeRun();
        try
        {
            await using var stream = await store.OpenVerifiedAsync(datasetSha256, ct);
            checks.Add(new("dataset_integrity", true, $"The stored bytes hash to {datasetSha256}."));
            var loaded = LoadDataset(model, stream, period, checks);
            if (loaded is not null)
            {
                run = Smoke(model, loaded.Population, period, checks);
            }
        }
        catch (FileNotFoundException)
        {
            checks.Add(new("dataset_integrity", false, $"Artifact {datasetSha256} is missing from the artifact store."));
        }
        catch (ArtifactIntegrityException e)
        {
            checks.Add(new("dataset_integrity", false, e.Message));
        }

        var passed = checks.Count > 0 && checks.All(c => c.Passed);
        return new BundleCertification(passed, time.GetUtcNow().UtcDateTime, checks, period, run.Households, run.Persons, run.WeightedHouseholds, run.Totals, clock.ElapsedMilliseconds);
    }

    /// <summary>
    /// The population, weight and smoke-simulation checks of certification on an already loaded
    /// population, so an import can refuse a file that could never be certified before storing it.
    /// </summary>
    internal static IReadOnlyList<CertificationCheck> SmokeChecks(CountryModel model, Population population, int period)
    {
        var checks = new List<CertificationCheck>();
        Smoke(model, population, period, checks);
        return checks;
    }

    private static LoadedDataset? LoadDataset(CountryModel model, Stream stream, int period, List<CertificationCheck> checks)
    {
        try
        {
            using var file = H5File.Open(stream, leaveOpen: true);
            var loaded = DatasetLoader.LoadWithReport(model, file, period);
            var unknown = loaded.UnknownVariables.Count == 0 ? "" : $"; {loaded.UnknownVariables.Count} variable(s) unknown to the model were skipped ({string.Join(", ", loaded.UnknownVariables.Take(10))})";
            checks.Add(new("dataset_loads", true, $"{loaded.LoadedVariables.Count} input variable(s) loaded for {period} against {model.Country} {model.Version}{unknown}."));
            return loaded;
        }
        catch (DatasetValidationException e)
        {
            checks.Add(new("dataset_loads", false, e.Message));
        }
        catch (Hdf5FormatException e)
        {
            checks.Add(new("dataset_loads", false, $"The artifact is not readable HDF5: {e.Message}"));
        }

        return null;
    }

    private static SmokeRun Smoke(CountryModel model, Population population, int period, List<CertificationCheck> checks)
    {
        var run = new SmokeRun { Persons = population.PersonCount };
        var household = model.FindEntity("household");
        if (household is null)
        {
            checks.Add(new("population", false, $"{model.Country} {model.Version} has no household entity."));
            return run;
        }

        run.Households = population.Count(household.Key);
        checks.Add(new("population", run.Households > 0 && run.Persons > 0, $"{run.Households:N0} households, {run.Persons:N0} persons."));
        var missing = HeadlineVariables(model.Country).Where(v => model.FindVariable(v) is null).ToList();
        if (missing.Count > 0)
        {
            checks.Add(new("headline_variables", false, $"The model does not define {string.Join(", ", missing)}."));
            return run;
        }

        try
        {
            var simulation = new Simulation(model, population, period);
            run.WeightedHouseholds = WeightCheck(simulation, household, checks);
            var notFinite = new List<string>();
            foreach (var variable in HeadlineVariables(model.Country))
            {
                // Only finite totals are recorded: the API writes JSON numbers strictly.
                var total = simulation.Sum(variable);
                if (simulation.Calculate(variable).Any(v => !double.IsFinite(v)) || !double.IsFinite(total))
                {
                    notFinite.Add(variable);
                    continue;
                }

                run.Totals[variable] = total;
            }

            checks.Add(notFinite.Count == 0
                ? new("smoke_simulation", true, $"Baseline {period}: {run.Totals.Count} headline variable(s) computed, all values finite; weighted household net income {run.Totals["household_net_income"]:N0} {model.Currency}.")
                : new("smoke_simulation", false, $"Non-finite values in {string.Join(", ", notFinite)}."));
        }
        catch (SimulationException e)
        {
            checks.Add(new("smoke_simulation", false, $"The baseline simulation failed: {e.Message}"));
        }

        return run;
    }

    /// <summary>Survey weights must be finite and non-negative with a positive total (zero-weight records are legal in calibrated data, so they are counted, not rejected).</summary>
    private static double WeightCheck(Simulation simulation, EntityDefinition household, List<CertificationCheck> checks)
    {
        if (string.IsNullOrEmpty(household.WeightVariable))
        {
            checks.Add(new("weights", false, "The household entity has no weight variable."));
            return 0;
        }

        var weights = simulation.Calculate(household.WeightVariable);
        var bad = weights.Count(w => !double.IsFinite(w) || w < 0);
        var zero = weights.Count(w => w == 0);
        var total = bad == 0 ? weights.Sum() : 0;
        checks.Add(new("weights", bad == 0 && total > 0,
            bad > 0 ? $"{bad:N0} household weight(s) are negative or not finite." : $"Weighted households {total:N0}; {zero:N0} record(s) with zero weight."));
        return total;
    }

    private sealed class SmokeRun
    {
        public long Households { get; set; }

        public long Persons { get; set; }

        public double WeightedHouseholds { get; set; }

        public Dictionary<string, double> Totals { get; } = new(StringComparer.Ordinal);
    }
}
