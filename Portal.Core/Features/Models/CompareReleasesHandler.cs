using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

public sealed record CompareReleasesRequest(string Country, string? From, string? To);

public enum DiffKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>A parameter (leaf or scale) that differs; values are the dated values as text, one entry per line.</summary>
public sealed record ParameterDiff(string Path, DiffKind Change, string? Label, string? Unit, string? Before, string? After, IReadOnlyList<string> Fields);

/// <summary>A variable that differs; <see cref="Fields"/> names what changed (formula, label, entity…).</summary>
public sealed record VariableDiff(string Name, DiffKind Change, string? Label, string? Entity, string? FormulaBefore, string? FormulaAfter, IReadOnlyList<string> Fields);

public sealed record ReleaseComparison(ModelReleaseRef From, ModelReleaseRef To, IReadOnlyList<ParameterDiff> Parameters, IReadOnlyList<VariableDiff> Variables)
{
    public bool IsEmpty => Parameters.Count == 0 && Variables.Count == 0;
}

/// <summary>
/// What changed between two releases of one country: parameters and variables added, removed or
/// changed, with old and new values and formula text, for reviewing a release before promoting it.
/// </summary>
public sealed class CompareReleasesHandler(ModelCatalog catalog)
{
    public Result<ReleaseComparison> Handle(CompareReleasesRequest request)
    {
        var check = new Validation()
            .Require(!string.IsNullOrWhiteSpace(request.From), "from", "Choose the release to compare from.")
            .Require(!string.IsNullOrWhiteSpace(request.To), "to", "Choose the release to compare to.");
        if (!check.IsValid)
        {
            return check.ToProblem();
        }

        var from = ModelLookup.Find(catalog, request.Country, request.From);
        var to = ModelLookup.Find(catalog, request.Country, request.To);
        if (!from.Succeeded || !to.Succeeded)
        {
            return (from.Problem ?? to.Problem)!;
        }

        return Compare(from.Value!, to.Value!);
    }

    public static ReleaseComparison Compare(CountryModel from, CountryModel to)
    {
        var before = ParameterTree.Leaves(from.Parameters).ToDictionary(p => p.Path, StringComparer.Ordinal);
        var after = ParameterTree.Leaves(to.Parameters).ToDictionary(p => p.Path, StringComparer.Ordinal);
        var parameters = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal).Select(path =>
        {
            var old = before.GetValueOrDefault(path);
            var @new = after.GetValueOrDefault(path);
            var node = @new ?? old!;
            var fields = old is null || @new is null ? [] : ParameterFields(old, @new);
            var kind = old is null ? DiffKind.Added : @new is null ? DiffKind.Removed : DiffKind.Changed;
            return (Diff: new ParameterDiff(path, kind, node.Label ?? node.Description, node.Unit, old is null ? null : Values(old), @new is null ? null : Values(@new), fields), Keep: kind != DiffKind.Changed || fields.Count > 0);
        }).Where(d => d.Keep).Select(d => d.Diff).ToList();

        var variables = from.Variables.Select(v => v.Name).Union(to.Variables.Select(v => v.Name)).Order(StringComparer.Ordinal).Select(name =>
        {
            var old = from.FindVariable(name);
            var @new = to.FindVariable(name);
            var v = @new ?? old!;
            var fields = old is null || @new is null ? [] : VariableFields(old, @new);
            var kind = old is null ? DiffKind.Added : @new is null ? DiffKind.Removed : DiffKind.Changed;
            return (Diff: new VariableDiff(name, kind, v.Label, v.Entity, old?.FormulaSource, @new?.FormulaSource, fields), Keep: kind != DiffKind.Changed || fields.Count > 0);
        }).Where(d => d.Keep).Select(d => d.Diff).ToList();

        return new ReleaseComparison(ModelReleaseRef.Of(from), ModelReleaseRef.Of(to), parameters, variables);
    }

    private static List<string> ParameterFields(ParameterNode old, ParameterNode @new)
    {
        var fields = new List<string>();
        Add(fields, "values", Values(old), Values(@new));
        Add(fields, "label", old.Label, @new.Label);
        Add(fields, "description", old.Description, @new.Description);
        Add(fields, "unit", old.Unit, @new.Unit);
        Add(fields, "reference", References(old.References), References(@new.References));
        return fields;
    }

    private static List<string> VariableFields(VariableDefinition old, VariableDefinition @new)
    {
        var fields = new List<string>();
        Add(fields, "formula", old.FormulaSource?.Trim(), @new.FormulaSource?.Trim());
        Add(fields, "entity", old.Entity, @new.Entity);
        Add(fields, "value_type", old.ValueType.ToString(), @new.ValueType.ToString());
        Add(fields, "possible_values", string.Join(",", old.PossibleValues), string.Join(",", @new.PossibleValues));
        Add(fields, "default", old.DefaultText, @new.DefaultText);
        Add(fields, "label", old.Label, @new.Label);
        Add(fields, "unit", old.Unit, @new.Unit);
        Add(fields, "reference", References(old.Reference), References(@new.Reference));
        return fields;
    }

    private static void Add(List<string> fields, string name, string? old, string? @new)
    {
        if (!string.Equals(old ?? "", @new ?? "", StringComparison.Ordinal))
        {
            fields.Add(name);
        }
    }

    private static string References(IReadOnlyList<Reference> references) => string.Join("\n", references.Select(r => $"{r.Title} {r.Href}"));

    /// <summary>The dated values as the explorer shows them: "2024-01-01: USD 14,600", one per line.</summary>
    public static string Values(ParameterNode node) => node switch
    {
        ParameterLeaf leaf => string.Join("\n", leaf.Values.Select(v => $"{GetModelMetadataHandler.Date(v.Start)}: {ParameterTree.Format(v.Value, leaf.Unit, leaf.IsBool)}")),
        ParameterScale scale => string.Join("\n", scale.Brackets.Select((b, i) =>
            $"[{i}] threshold {Dated(b.Threshold, scale.Unit)}; {(b.Rate is not null ? "rate " + Dated(b.Rate, "/1") : "amount " + Dated(b.Amount ?? [], scale.Unit))}")),
        _ => "",
    };

    private static string Dated(IReadOnlyList<DatedValue> values, string? unit) =>
        string.Join(", ", values.Select(v => $"{ParameterTree.Format(v.Value, unit)} from {GetModelMetadataHandler.Date(v.Start)}"));
}
