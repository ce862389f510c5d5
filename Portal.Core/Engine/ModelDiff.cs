using System.Globalization;

namespace Portal.Core.Engine;

public enum DiffKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>One field that differs; null means absent on that side (e.g. a dated value added in the new release).</summary>
public sealed record FieldChange(string Field, string? From, string? To);

/// <summary>A parameter (by path) or variable (by name) that was added, removed or changed.</summary>
public sealed record DiffEntry(string Name, DiffKind Kind, IReadOnlyList<FieldChange> Changes);

public sealed record ModelDiffResult(CountryModel From, CountryModel To, IReadOnlyList<DiffEntry> Parameters, IReadOnlyList<DiffEntry> Variables)
{
    public bool IsEmpty => Parameters.Count == 0 && Variables.Count == 0;
}

/// <summary>What changed between two releases: parameters (leaves and scales) and variables, field by field.</summary>
public static class ModelDiff
{
    public static ModelDiffResult Compare(CountryModel from, CountryModel to)
    {
        var parameters = Diff(
            from.ParameterValues().ToDictionary(p => p.Path, Fields, StringComparer.Ordinal),
            to.ParameterValues().ToDictionary(p => p.Path, Fields, StringComparer.Ordinal));
        var variables = Diff(
            from.Variables.ToDictionary(v => v.Name, Fields, StringComparer.Ordinal),
            to.Variables.ToDictionary(v => v.Name, Fields, StringComparer.Ordinal));
        return new ModelDiffResult(from, to, parameters, variables);
    }

    private static List<DiffEntry> Diff(Dictionary<string, SortedDictionary<string, string>> before, Dictionary<string, SortedDictionary<string, string>> after)
    {
        var result = new List<DiffEntry>();
        foreach (var name in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.GetValueOrDefault(name);
            var now = after.GetValueOrDefault(name);
            if (old is null)
            {
                result.Add(new DiffEntry(name, DiffKind.Added, [.. now!.Select(f => new FieldChange(f.Key, null, f.Value))]));
            }
            else if (now is null)
            {
                result.Add(new DiffEntry(name, DiffKind.Removed, [.. old.Select(f => new FieldChange(f.Key, f.Value, null))]));
            }
            else
            {
                var changes = old.Keys.Union(now.Keys).Order(StringComparer.Ordinal)
                    .Select(f => new FieldChange(f, old.GetValueOrDefault(f), now.GetValueOrDefault(f)))
                    .Where(c => !string.Equals(c.From, c.To, StringComparison.Ordinal))
                    .ToList();
                if (changes.Count > 0)
                {
                    result.Add(new DiffEntry(name, DiffKind.Changed, changes));
                }
            }
        }

        return result;
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static SortedDictionary<string, string> Fields(ParameterNode node)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Put(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields[key] = value;
            }
        }

        Put("label", node.Label);
        Put("description", node.Description);
        Put("unit", node.Unit);
        Put("reference", string.Join(" | ", node.References.Select(r => r.Title == r.Href ? r.Href : $"{r.Title} <{r.Href}>")));
        void Dated(string prefix, IReadOnlyList<DatedValue>? values)
        {
            foreach (var value in values ?? [])
            {
                fields[$"{prefix}{value.Start:yyyy-MM-dd}"] = Number(value.Value);
            }
        }

        switch (node)
        {
            case ParameterLeaf leaf:
                Put("kind", leaf.IsBool ? "bool value" : "value");
                foreach (var value in leaf.Values)
                {
                    fields[$"values.{value.Start:yyyy-MM-dd}"] = leaf.IsBool ? (value.Value != 0 ? "true" : "false") : Number(value.Value);
                }

                break;
            case ParameterScale scale:
                Put("kind", scale.ScaleType == ScaleType.MarginalRate ? "marginal_rate scale" : "single_amount scale");
                Put("brackets", scale.Brackets.Count.ToString(CultureInfo.InvariantCulture));
                for (var b = 0; b < scale.Brackets.Count; b++)
                {
                    Dated($"brackets[{b}].threshold.", scale.Brackets[b].Threshold);
                    Dated($"brackets[{b}].rate.", scale.Brackets[b].Rate);
                    Dated($"brackets[{b}].amount.", scale.Brackets[b].Amount);
                }

                break;
        }

        return fields;
    }

    private static SortedDictionary<string, string> Fields(VariableDefinition v)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["entity"] = v.Entity,
            ["value_type"] = v.ValueType.ToString().ToLowerInvariant(),
            ["definition_period"] = v.DefinitionPeriod,
            ["label"] = v.Label,
            ["default"] = v.DefaultText,
        };
        if (v.PossibleValues.Count > 0)
        {
            fields["possible_values"] = string.Join(", ", v.PossibleValues);
        }

        if (v.Unit is not null)
        {
            fields["unit"] = v.Unit;
        }

        if (v.Reference.Count > 0)
        {
            fields["reference"] = string.Join(" | ", v.Reference.Select(r => r.Href));
        }

        if (v.FormulaSource is not null)
        {
            fields["formula"] = v.FormulaSource.TrimEnd();
        }

        return fields;
    }
}
