using System.Diagnostics;
using System.Globalization;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// The one-area facade: build → validate (before anything is written) → write atomically → read back.
/// Any failure becomes a failed <see cref="AreaBuildResult"/>; only cancellation propagates.
/// </summary>
public static class LocalH5
{
    /// <summary>One area end to end, opening its own snapshot (CLI, tests). Artifact paths resolve against the current directory.</summary>
    public static AreaBuildResult BuildH5(AreaBuildRequest request, PublishingInputs inputs, string outputDir, ValidationPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clock = Stopwatch.StartNew();
        SourceSnapshot source;
        try
        {
            source = SourceSnapshot.Open(inputs, Directory.GetCurrentDirectory());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return AreaBuildResult.Failure(request, $"Cannot open the publishing inputs: {ex.Message}", clock.Elapsed);
        }

        using (source)
        {
            return BuildH5(request, source, outputDir, policy ?? ValidationPolicy.Default);
        }
    }

    /// <summary>The worker path: the snapshot is shared and never reloaded.</summary>
    public static AreaBuildResult BuildH5(AreaBuildRequest request, SourceSnapshot source, string outputDir, ValidationPolicy policy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(policy);
        ct.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var validation = ValidationResult.NotRun;
        try
        {
            var payload = new AreaH5Builder().Build(request, source);
            ct.ThrowIfCancellationRequested();
            var validateStart = clock.Elapsed;
            var target = policy.Enabled && policy.RunTargetChecks ? AreaTargets.For(request, source) : null;
            validation = AreaValidator.Validate(payload, request, target, policy);
            payload.PhaseSeconds["validation"] = (clock.Elapsed - validateStart).TotalSeconds;
            if (AreaValidator.FailsBuild(validation, policy))
            {
                return AreaBuildResult.Failure(request, $"Validation failed: {Codes(validation)}", clock.Elapsed, validation);
            }

            var path = Path.GetFullPath(Path.Combine(outputDir, request.OutputRelativePath));
            var writeStart = clock.Elapsed;
            var written = H5Writer.Write(payload, path);
            payload.PhaseSeconds["writing"] = (clock.Elapsed - writeStart).TotalSeconds;
            if (policy.Enabled && policy.VerifyReadBack && ReadBackIssue(payload, written) is { } issue)
            {
                validation = AreaValidator.Summarize([.. validation.Issues, issue], policy);
                if (policy.FailOnStructuralError)
                {
                    File.Delete(path);
                    return AreaBuildResult.Failure(request, $"Validation failed: {Codes(validation)}", clock.Elapsed, validation);
                }
            }

            return new AreaBuildResult(request, AreaBuildStatus.Completed, written.Path, written.Sha256, written.SizeBytes, written.Households,
                written.Persons, written.WeightTotal, validation, null, clock.Elapsed)
            {
                PhaseSeconds = new Dictionary<string, double>(payload.PhaseSeconds, StringComparer.Ordinal),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return AreaBuildResult.Failure(request, $"{ex.GetType().Name}: {ex.Message}", clock.Elapsed, validation);
        }
    }

    private static ValidationIssue? ReadBackIssue(H5Payload payload, H5WriteResult written)
    {
        var households = payload.Rows.GetValueOrDefault("household");
        var persons = payload.Rows.GetValueOrDefault("person");
        var weight = payload.WeightTotal;
        var weightOk = Math.Abs(written.WeightTotal - weight) <= 1e-9 * Math.Max(1, Math.Abs(weight));
        return written.Households == households && written.Persons == persons && weightOk
            ? null
            : AreaValidator.Issue("readback_mismatch", ValidationSeverity.Error,
                string.Create(CultureInfo.InvariantCulture, $"The written file reads back {written.Households} households, {written.Persons} persons, weight {written.WeightTotal:R}; expected {households}, {persons}, {weight:R}."),
                ("households", written.Households.ToString(CultureInfo.InvariantCulture)), ("persons", written.Persons.ToString(CultureInfo.InvariantCulture)));
    }

    private static string Codes(ValidationResult v) =>
        string.Join(", ", v.Issues.Where(i => i.Severity == ValidationSeverity.Error).Select(i => i.Code).Distinct()) is { Length: > 0 } codes ? codes : v.Summary;
}
