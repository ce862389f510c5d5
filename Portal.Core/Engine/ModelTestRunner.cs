using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Core.Engine;

/// <summary>One expected value of a test case and what the model gave.</summary>
public sealed record ModelTestCheck(string Variable, string Instance, string Expected, string Actual, bool Passed);

/// <summary>The outcome of one YAML test case; <see cref="Error"/> is set when the case could not run at all.</summary>
public sealed record ModelTestResult(ModelTestCase Case, IReadOnlyList<ModelTestCheck> Checks, string? Error)
{
    public bool Passed => Error is null && Checks.All(c => c.Passed);
}

public sealed record ModelTestReport(CountryModel Model, IReadOnlyList<ModelTestResult> Results)
{
    public int PassedCount => Results.Count(r => r.Passed);

    public int FailedCount => Results.Count(r => !r.Passed);

    public bool AllPassed => Results.All(r => r.Passed);
}

/// <summary>Runs a package's <c>tests/*.yaml</c> household cases.</summary>
public static class ModelTestRunner
{
    /// <summary>Margin used when a case gives neither absolute_error_margin nor relative_error_margin.</summary>
    public const double DefaultAbsoluteErrorMargin = 1e-6;

    public static ModelTestReport Run(CountryModel model) => new(model, [.. model.Tests.Select(c => Run(model, c))]);

    public static ModelTestResult Run(CountryModel model, ModelTestCase testCase)
    {
        try
        {
            var reform = testCase.Reform is null ? null : Reform.Parse(testCase.Reform);
            reform?.Validate(model);
            var built = HouseholdCalculator.Build(model, testCase.Input, testCase.Period, reform);
            var checks = new List<ModelTestCheck>();
            foreach (var output in testCase.Outputs)
            {
                var definition = model.FindVariable(output.Variable)!;
                var names = built.Instances[definition.Entity];
                var index = output.Instance is null ? 0 : IndexOf(names, output.Instance);
                if (index < 0)
                {
                    return new ModelTestResult(testCase, checks,
                        $"output {output.Variable}.{output.Instance}: no {model.FindEntity(definition.Entity)!.Plural} instance named '{output.Instance}' (instances: {string.Join(", ", names)})");
                }

                var actual = built.Simulation.Calculate(output.Variable)[index];
                checks.Add(Check(testCase, definition, names[index], output.Expected, actual));
            }

            return new ModelTestResult(testCase, checks, null);
        }
        catch (Exception e) when (e is HouseholdInputException or ReformException or SimulationException)
        {
            return new ModelTestResult(testCase, [], e.Message);
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static ModelTestCheck Check(ModelTestCase testCase, VariableDefinition definition, string instance, JsonNode? expected, double actual)
    {
        var actualText = Simulation.Format(definition, actual);
        var expectedText = expected?.ToJsonString().Trim('"') ?? "null";
        bool passed;
        switch (definition.ValueType)
        {
            case VariableValueType.Enum:
                passed = expected is JsonValue e && e.GetValueKind() == JsonValueKind.String
                    && string.Equals(e.GetValue<string>(), actualText, StringComparison.OrdinalIgnoreCase);
                break;
            case VariableValueType.Bool:
                var expectedBool = expected?.GetValueKind() switch
                {
                    JsonValueKind.True => 1.0,
                    JsonValueKind.False => 0.0,
                    JsonValueKind.Number => JsonNumbers.ToDouble(expected),
                    _ => double.NaN,
                };
                passed = expectedBool == actual;
                break;
            default:
                if (expected?.GetValueKind() is not (JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    passed = false;
                    break;
                }

                var target = expected.GetValueKind() == JsonValueKind.Number ? JsonNumbers.ToDouble(expected) : expected.GetValueKind() == JsonValueKind.True ? 1 : 0;
                var error = Math.Abs(actual - target);
                passed = testCase.AbsoluteErrorMargin is null && testCase.RelativeErrorMargin is null
                    ? error <= DefaultAbsoluteErrorMargin
                    : (testCase.AbsoluteErrorMargin is { } abs && error <= abs)
                      || (testCase.RelativeErrorMargin is { } rel && error <= rel * Math.Abs(target));
                expectedText = target.ToString(CultureInfo.InvariantCulture);
                break;
        }

        return new ModelTestCheck(definition.Name, instance, expectedText, actualText, passed);
    }
}
