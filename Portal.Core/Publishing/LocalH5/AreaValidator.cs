using System.Globalization;
using Portal.Core.Microdata;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// Checks an area payload before it is written; the result is data (issues with codes and details).
/// Structural: <c>missing_variable</c>, <c>length_mismatch</c>, <c>duplicate_ids</c>, <c>broken_link</c>,
/// <c>empty_group</c>, <c>invalid_weight</c>, <c>non_finite</c>, <c>too_few_households</c> (and, after
/// writing, <c>readback_mismatch</c>). Target: <c>target_miss</c>, <c>target_unavailable</c>.
/// </summary>
public static class AreaValidator
{
    public static IReadOnlySet<string> StructuralCodes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "missing_variable", "length_mismatch", "duplicate_ids", "broken_link", "empty_group", "invalid_weight", "non_finite",
        "too_few_households", "readback_mismatch", "validation_exception",
    };

    public static ValidationResult Validate(H5Payload payload, AreaBuildRequest area, AreaTarget? target, ValidationPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(policy);
        if (!policy.Enabled)
        {
            return ValidationResult.NotRun;
        }

        try
        {
            var issues = new List<ValidationIssue>();
            if (policy.RunStructuralChecks)
            {
                Structural(payload, policy, issues);
            }

            if (policy.RunTargetChecks)
            {
                Target(payload, area, target, policy, issues);
            }

            return Summarize(issues, policy);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ValidationResult(ValidationStatus.Error,
                [Issue("validation_exception", ValidationSeverity.Error, $"The validator failed: {ex.Message}", ("exception", ex.GetType().Name))],
                "validation error");
        }
    }

    /// <summary>Whether the policy turns this validation into a failed build.</summary>
    public static bool FailsBuild(ValidationResult result, ValidationPolicy policy) =>
        policy.Enabled && ((policy.FailOnStructuralError && (result.Status == ValidationStatus.Error || result.HasStructuralErrors))
            || (policy.FailOnTargetMiss && result.Issues.Any(i => i.Code == "target_miss")));

    public static ValidationResult Summarize(IReadOnlyList<ValidationIssue> issues, ValidationPolicy policy)
    {
        var errors = issues.Count(i => i.Severity == ValidationSeverity.Error);
        var warnings = issues.Count(i => i.Severity == ValidationSeverity.Warning);
        var checks = (policy.RunStructuralChecks ? "structural" : "") + (policy.RunStructuralChecks && policy.RunTargetChecks ? "+" : "") + (policy.RunTargetChecks ? "target" : "");
        return new ValidationResult(errors > 0 ? ValidationStatus.Failed : ValidationStatus.Passed, issues,
            string.Create(CultureInfo.InvariantCulture, $"{(checks.Length == 0 ? "no" : checks)} checks: {errors} error(s), {warnings} warning(s)"));
    }

    public static ValidationIssue Issue(string code, ValidationSeverity severity, string message, params (string Key, string Value)[] details) =>
        new(code, severity, message, details.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal));

    private static void Structural(H5Payload payload, ValidationPolicy policy, List<ValidationIssue> issues)
    {
        foreach (var name in policy.RequiredVariables.Where(v => !payload.Has(v)))
        {
            issues.Add(Issue("missing_variable", ValidationSeverity.Error, $"Required variable '{name}' is missing.", ("variable", name)));
        }

        var households = payload.Rows.GetValueOrDefault("household");
        if (households < policy.MinHouseholds)
        {
            issues.Add(Issue("too_few_households", ValidationSeverity.Error, $"{households} household(s); the policy needs at least {policy.MinHouseholds}.",
                ("households", Text(households)), ("min_households", Text(policy.MinHouseholds))));
        }

        var lengthsOk = true;
        foreach (var c in payload.Columns)
        {
            var expected = payload.Rows.GetValueOrDefault(c.Entity, -1);
            if (c.Length != expected)
            {
                lengthsOk = false;
                issues.Add(Issue("length_mismatch", ValidationSeverity.Error, $"'{c.Name}' has {c.Length} values for {expected} {c.Entity} rows.",
                    ("variable", c.Name), ("entity", c.Entity), ("length", Text(c.Length)), ("expected", Text(expected))));
            }
        }

        var persons = payload.Rows.GetValueOrDefault("person");
        foreach (var entity in payload.Rows.Keys.Order(StringComparer.Ordinal))
        {
            var ids = payload.Has(entity + "_id") ? Longs(payload[entity + "_id"]) : null;
            if (ids is null)
            {
                continue;
            }

            if (CountDuplicates(ids) is var (dups, example) && dups > 0)
            {
                issues.Add(Issue("duplicate_ids", ValidationSeverity.Error, $"{entity}_id has {dups} duplicate value(s), e.g. {example}.",
                    ("variable", entity + "_id"), ("count", Text(dups)), ("example", Text(example))));
            }

            var link = $"person_{entity}_id";
            if (entity != "person" && lengthsOk && payload.Has(link))
            {
                CheckLinks(entity, ids, Longs(payload[link]), persons, issues);
            }
        }

        foreach (var c in payload.Columns.OfType<DoubleColumn>())
        {
            var weight = c.Name.EndsWith("_weight", StringComparison.Ordinal);
            int bad = 0, first = -1;
            for (var i = 0; i < c.Values.Length; i++)
            {
                var v = c.Values[i];
                if (!double.IsFinite(v) || (weight && v < 0))
                {
                    bad++;
                    first = first < 0 ? i : first;
                }
            }

            if (bad > 0)
            {
                issues.Add(Issue(weight ? "invalid_weight" : "non_finite", ValidationSeverity.Error,
                    weight ? $"'{c.Name}' has {bad} negative or non-finite value(s)." : $"'{c.Name}' has {bad} NaN or infinite value(s).",
                    ("variable", c.Name), ("count", Text(bad)), ("first_row", Text(first)), ("value", c.Values[first].ToString("R", CultureInfo.InvariantCulture))));
            }
        }
    }

    private static void CheckLinks(string entity, long[] ids, long[] links, int persons, List<ValidationIssue> issues)
    {
        var row = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            row.TryAdd(ids[i], i);
        }

        var members = new int[ids.Length];
        int broken = 0;
        long example = 0;
        for (var p = 0; p < Math.Min(persons, links.Length); p++)
        {
            if (row.TryGetValue(links[p], out var r))
            {
                members[r]++;
            }
            else if (broken++ == 0)
            {
                example = links[p];
            }
        }

        if (broken > 0)
        {
            issues.Add(Issue("broken_link", ValidationSeverity.Error, $"{broken} person(s) link to a {entity} that does not exist, e.g. {example}.",
                ("variable", $"person_{entity}_id"), ("count", Text(broken)), ("example", Text(example))));
        }

        var empty = members.Count(m => m == 0);
        if (empty > 0)
        {
            issues.Add(Issue("empty_group", ValidationSeverity.Error, $"{empty} {entity} row(s) have no members.", ("entity", entity), ("count", Text(empty))));
        }
    }

    private static void Target(H5Payload payload, AreaBuildRequest area, AreaTarget? target, ValidationPolicy policy, List<ValidationIssue> issues)
    {
        if (target is null || target.Persons <= 0 || !payload.Has("household_weight") || !payload.Has("person_household_id"))
        {
            issues.Add(Issue("target_unavailable", ValidationSeverity.Info, $"No population target for {area.Key}.", ("area", area.Key)));
            return;
        }

        var weights = ((DoubleColumn)payload["household_weight"]).Values;
        var weighted = 0.0;
        foreach (var h in Longs(payload["person_household_id"]))
        {
            weighted += h >= 0 && h < weights.Length ? weights[h] : 0;
        }

        var error = (weighted - target.Persons) / target.Persons;
        if (Math.Abs(error) > policy.TargetRelativeTolerance)
        {
            issues.Add(Issue("target_miss", policy.FailOnTargetMiss ? ValidationSeverity.Error : ValidationSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture, $"Weighted persons {weighted:F0} vs target {target.Persons:F0} ({error:P2}; tolerance {policy.TargetRelativeTolerance:P2})."),
                ("weighted_persons", Text(weighted)), ("target", Text(target.Persons)), ("relative_error", Text(error)), ("source", target.Source)));
        }
        else
        {
            issues.Add(Issue("target_ok", ValidationSeverity.Info, string.Create(CultureInfo.InvariantCulture, $"Weighted persons within {error:P2} of the target."),
                ("weighted_persons", Text(weighted)), ("target", Text(target.Persons)), ("relative_error", Text(error)), ("source", target.Source)));
        }
    }

    private static (int Count, long Example) CountDuplicates(long[] ids)
    {
        // Output ids are 0..n−1, so a bitmap usually suffices; anything else falls back to a set.
        var seen = new bool[ids.Length];
        HashSet<long>? other = null;
        int dups = 0;
        long example = 0;
        foreach (var id in ids)
        {
            var fresh = id >= 0 && id < ids.Length ? !seen[id] && (seen[id] = true) : (other ??= []).Add(id);
            if (!fresh && dups++ == 0)
            {
                example = id;
            }
        }

        return (dups, example);
    }

    private static long[] Longs(MicrodataColumn column) => column switch
    {
        IntColumn i => Array.ConvertAll(i.Values, v => (long)v),
        LongColumn l => l.Values,
        _ => throw new InvalidDataException($"'{column.Name}' must be an integer column."),
    };

    private static string Text(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(long v) => v.ToString(CultureInfo.InvariantCulture);
}
