namespace Portal.Core.Common;

/// <summary>What kind of failure a use case reports; the API maps each to one HTTP status.</summary>
public enum ProblemKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,

    /// <summary>A conditional request whose precondition (e.g. <c>If-Match</c>) no longer holds: 412.</summary>
    PreconditionFailed,

    /// <summary>A change that must be conditional was sent without its precondition: 428.</summary>
    PreconditionRequired,

    /// <summary>An upload larger than the configured limit: 413.</summary>
    PayloadTooLarge,
}

/// <summary>
/// A use-case failure described as data: a short title, a sentence for a person, and
/// per-field messages for validation. The API renders it as RFC 7807 problem details,
/// the UI as a readable message next to the form.
/// </summary>
public sealed record Problem(ProblemKind Kind, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>Extra machine-readable members for the problem details (e.g. the current state behind a 412), snake_case keys.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public static Problem NotFound(string what) =>
        new(ProblemKind.NotFound, "Not found", $"{what} does not exist.");

    public static Problem Conflict(string detail) =>
        new(ProblemKind.Conflict, "Conflict", detail);

    public static Problem Forbidden(string detail) =>
        new(ProblemKind.Forbidden, "Forbidden", detail);

    public static Problem PreconditionFailed(string detail) =>
        new(ProblemKind.PreconditionFailed, "Precondition failed", detail);

    public static Problem PreconditionRequired(string detail) =>
        new(ProblemKind.PreconditionRequired, "Precondition required", detail);

    public static Problem PayloadTooLarge(string detail) =>
        new(ProblemKind.PayloadTooLarge, "Payload too large", detail);

    public static Problem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(ProblemKind.Validation, "Invalid request", "One or more fields are invalid.", errors);

    public static Problem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>All messages, field messages first, for places that show one line.</summary>
    public string Describe() =>
        Errors is { Count: > 0 } ? string.Join(" ", Errors.SelectMany(e => e.Value)) : Detail;
}

/// <summary>Either a value or a <see cref="Problem"/>; use cases return this instead of throwing for expected failures.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    public bool Succeeded => Problem is null;

#pragma warning disable CA1000 // Factory methods on the result type are the idiomatic way to build one.
    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(Problem problem) => new(default, problem);
#pragma warning restore CA1000

#pragma warning disable CA2225 // Implicit conversions keep handlers readable; From* methods would add nothing.
    public static implicit operator Result<T>(T value) => Ok(value);

    public static implicit operator Result<T>(Problem problem) => Fail(problem);
#pragma warning restore CA2225
}
