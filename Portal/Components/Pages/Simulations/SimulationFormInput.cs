using Portal.Core.Features.Simulations;

namespace Portal.Components.Pages.Simulations;

/// <summary>
/// The submit form as posted. <see cref="Action"/> is the button pressed: <c>submit</c> (or none: the
/// Enter key), <c>add</c>, <c>remove:N</c>, <c>search</c> or <c>pick:path|value</c>; every action but
/// submit only changes the form, so the builder works without JavaScript.
/// </summary>
public sealed class SimulationFormInput
{
    public string? Country { get; set; }

    public string? Bundle { get; set; }

    public string? Year { get; set; }

    public string? Region { get; set; }

    public string? Title { get; set; }

    public string? Query { get; set; }

    public string? Action { get; set; }

    public List<ReformRowInput> Changes { get; set; } = [];

    public IReadOnlyList<ReformRow> ToRows() => [.. Changes.Select(c => new ReformRow(c.Path, c.Value, c.Start, c.End))];

    /// <summary>Applies a non-submit action; false when the action is a submit.</summary>
    public bool ApplyEdit()
    {
        var action = Action ?? "submit";
        if (action == "add")
        {
            Changes.Add(new ReformRowInput());
        }
        else if (action.StartsWith("remove:", StringComparison.Ordinal) && int.TryParse(action[7..], out var index) && index >= 0 && index < Changes.Count)
        {
            Changes.RemoveAt(index);
        }
        else if (action.StartsWith("pick:", StringComparison.Ordinal))
        {
            var bar = action.LastIndexOf('|');
            var (path, value) = bar < 0 ? (action[5..], "") : (action[5..bar], action[(bar + 1)..]);
            var blank = Changes.FindIndex(c => string.IsNullOrWhiteSpace(c.Path) && string.IsNullOrWhiteSpace(c.Value));
            var row = new ReformRowInput { Path = path, Value = value };
            if (blank >= 0)
            {
                Changes[blank] = row;
            }
            else
            {
                Changes.Add(row);
            }
        }
        else if (action != "search")
        {
            return false;
        }

        if (Changes.Count == 0)
        {
            Changes.Add(new ReformRowInput());
        }

        return true;
    }
}

public sealed class ReformRowInput
{
    public string? Path { get; set; }

    public string? Value { get; set; }

    public string? Start { get; set; }

    public string? End { get; set; }
}
