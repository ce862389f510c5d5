using System.Text.Json.Serialization;

namespace Portal.Core.Publishing.LocalH5;

public enum ValidationSeverity
{
    Info,
    Warning,
    Error,
}

/// <param name="Code">Stable machine code, e.g. <c>duplicate_ids</c>, <c>target_miss</c> (see docs/local-h5.md).</param>
public sealed record ValidationIssue(string Code, ValidationSeverity Severity, string Message, IReadOnlyDictionary<string, string> Details);

public enum ValidationStatus
{
    NotRun,
    Passed,
    Failed,
    Error,
}

public sealed record ValidationResult(ValidationStatus Status, IReadOnlyList<ValidationIssue> Issues, string Summary)
{
    [JsonIgnore]
    public static ValidationResult NotRun { get; } = new(ValidationStatus.NotRun, [], "validation not run");

    [JsonIgnore]
    public bool HasStructuralErrors => Issues.Any(i => i.Severity == ValidationSeverity.Error && AreaValidator.StructuralCodes.Contains(i.Code));
}

/// <summary>
/// Which checks run and what a failure does. Every field is enforced by <see cref="AreaValidator"/>
/// and <see cref="LocalH5"/> (tests cover each).
/// </summary>
/// <param name="Enabled">False: nothing is checked and the result is <c>not_run</c>.</param>
/// <param name="RunStructuralChecks">Ids unique, links valid, weights finite and ≥ 0, no NaN/Inf, required variables, lengths.</param>
/// <param name="RunTargetChecks">Weighted persons of the area vs the calibration target.</param>
/// <param name="TargetRelativeTolerance">|weighted − target| / target above this is a <c>target_miss</c>.</param>
/// <param name="FailOnStructuralError">A structural error fails the build (no file is left at the output path).</param>
/// <param name="FailOnTargetMiss">A target miss fails the build too (otherwise it is a warning).</param>
/// <param name="RequiredVariables">Variables every area file must contain.</param>
/// <param name="MinHouseholds">Fewer output households than this is a structural error (<c>too_few_households</c>).</param>
/// <param name="VerifyReadBack">Re-open the written file and compare its counts and weight total with the payload.</param>
public sealed record ValidationPolicy(
    bool Enabled,
    bool RunStructuralChecks,
    bool RunTargetChecks,
    double TargetRelativeTolerance,
    bool FailOnStructuralError,
    bool FailOnTargetMiss,
    IReadOnlyList<string> RequiredVariables,
    int MinHouseholds,
    bool VerifyReadBack)
{
    public static ValidationPolicy Default { get; } = new(true, true, true, 0.02, true, false,
        ["household_id", "person_id", "person_household_id", "household_weight"], 1, true);
}

public enum AreaBuildStatus
{
    Completed,
    Failed,
    Skipped,
}

/// <summary>
/// The outcome of one area. Invariants (checked on construction, so a bad result cannot exist):
/// completed ⇒ output path and sha256, no error; failed ⇒ a build error; counts ≥ 0; weight total finite; duration ≥ 0.
/// </summary>
public sealed record AreaBuildResult(
    AreaBuildRequest Request,
    AreaBuildStatus Status,
    string? OutputPath,
    string? Sha256,
    long? SizeBytes,
    int Households,
    int Persons,
    double WeightTotal,
    ValidationResult Validation,
    string? BuildError,
    TimeSpan Duration)
{
    public AreaBuildStatus Status { get; init; } = Check(Status, OutputPath, Sha256, BuildError, Households, Persons, WeightTotal, Duration);

    /// <summary>Seconds per build phase (selection, reindexing, cloning, augmentation, validation, writing); empty when not built.</summary>
    public IReadOnlyDictionary<string, double> PhaseSeconds { get; init; } = new Dictionary<string, double>();

    public static AreaBuildResult Failure(AreaBuildRequest request, string error, TimeSpan duration, ValidationResult? validation = null) =>
        new(request, AreaBuildStatus.Failed, null, null, null, 0, 0, 0, validation ?? ValidationResult.NotRun, error, duration);

    private static AreaBuildStatus Check(AreaBuildStatus status, string? path, string? sha, string? error, int households, int persons, double weight, TimeSpan duration)
    {
        string? problem = status switch
        {
            AreaBuildStatus.Completed when string.IsNullOrEmpty(path) || string.IsNullOrEmpty(sha) => "a completed area needs an output path and sha256",
            AreaBuildStatus.Completed when error is not null => "a completed area cannot carry a build error",
            AreaBuildStatus.Failed when string.IsNullOrWhiteSpace(error) => "a failed area needs a build error",
            AreaBuildStatus.Skipped when error is not null => "a skipped area cannot carry a build error",
            _ when households < 0 || persons < 0 => "counts must not be negative",
            _ when !double.IsFinite(weight) => "the weight total must be finite",
            _ when duration < TimeSpan.Zero => "the duration must not be negative",
            _ => null,
        };
        return problem is null ? status : throw new ArgumentException($"Invalid AreaBuildResult: {problem}.");
    }
}

/// <summary>What one worker did: each list holds only results of its own status; worker-level problems (cancellation, crashes) are separate.</summary>
public sealed record WorkerResult(IReadOnlyList<AreaBuildResult> Completed, IReadOnlyList<AreaBuildResult> Failed, IReadOnlyList<string> WorkerIssues)
{
    public IReadOnlyList<AreaBuildResult> Completed { get; init; } = Completed.All(r => r.Status != AreaBuildStatus.Failed)
        ? Completed : throw new ArgumentException("Completed holds a failed result.", nameof(Completed));

    public IReadOnlyList<AreaBuildResult> Failed { get; init; } = Failed.All(r => r.Status == AreaBuildStatus.Failed)
        ? Failed : throw new ArgumentException("Failed holds a result that did not fail.", nameof(Failed));

    [JsonIgnore]
    public IEnumerable<AreaBuildResult> All => Completed.Concat(Failed);
}
