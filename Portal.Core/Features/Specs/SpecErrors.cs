using Portal.Core.Common;

namespace Portal.Core.Features.Specs;

/// <summary>Errors found reading a YAML document, each with the field, line and column it concerns.</summary>
public sealed class SpecErrors
{
    private readonly List<(string Field, int Line, int Column, string Message)> _errors = [];

    public bool IsValid => _errors.Count == 0;

    public int Count => _errors.Count;

    public SpecErrors Add(string field, YamlNodeAt at, string message) => Add(field, at.Line, at.Column, message);

    public SpecErrors Add(string field, int line, int column, string message)
    {
        _errors.Add((field, line, column, message));
        return this;
    }

    /// <summary>
    /// A validation problem: each field's messages read "line 7, column 3: …"; the extensions
    /// <c>line</c>/<c>column</c> point at the first error, so a client can jump there.
    /// </summary>
    public Problem ToProblem(string title = "Invalid spec")
    {
        var errors = _errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").Distinct().ToArray(), StringComparer.Ordinal);
        var first = _errors[0];
        return new Problem(ProblemKind.Validation, title, $"line {first.Line}, column {first.Column}: {first.Message}", errors)
        {
            Extensions = new Dictionary<string, object?> { ["line"] = first.Line, ["column"] = first.Column },
        };
    }
}
