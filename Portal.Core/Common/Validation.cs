using System.Net.Mail;

namespace Portal.Core.Common;

/// <summary>Collects field errors for one request, in the order they were found.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            Add(field, message);
        }

        return this;
    }

    public Validation Email(string? value, string field = "email")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "Email is required.");
        }

        if (value.Length > 256 || !MailAddress.TryCreate(value, out var parsed) || parsed.Address != value.Trim())
        {
            Add(field, "Enter a valid email address, such as name@example.org.");
        }

        return this;
    }

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        if (!list.Contains(message))
        {
            list.Add(message);
        }

        return this;
    }

    public Problem ToProblem() =>
        Problem.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
