using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Core.Common;
using Portal.Core.Features.Specs;

namespace Portal.Core.Features.Templates;

/// <summary>
/// Reads and validates a template (shipped or uploaded): the schema, unique parameter names,
/// defaults of the declared type and within min/max, every placeholder declared and every declared
/// parameter used, and the spec generated from the defaults must itself be a valid spec.
/// Every error names its line and column.
/// </summary>
public static partial class TemplateParser
{
    private static readonly string[] RootKeys = ["schemaVersion", "metadata", "parameters", "spec"];
    private static readonly string[] MetadataKeys = ["id", "version", "title", "description", "tags"];
    private static readonly string[] ParameterKeys = ["name", "type", "title", "description", "default", "min", "max", "values"];

    public static Result<SpecTemplate> Parse(string yaml, bool shipped)
    {
        var (root, error, line, column) = YamlTree.Load(yaml ?? "");
        var errors = new SpecErrors();
        if (root is null)
        {
            var message = error ?? "line 1, column 1: unreadable";
            return errors.Add("$", line, column, message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToProblem("Invalid template");
        }

        if (root is not YamlMapAt map)
        {
            return errors.Add("$", root, "expected a mapping with schemaVersion, metadata, parameters and spec.").ToProblem("Invalid template");
        }

        SpecReader.Keys(map, RootKeys, "", errors);
        foreach (var key in RootKeys.Where(k => map[k] is null && k != "parameters"))
        {
            errors.Add(key, map, $"'{key}' is required.");
        }

        if (map["schemaVersion"] is { } v && (SpecReader.Typed(v) is not JsonValue n || n.GetValueKind() != JsonValueKind.Number || n.ToJsonString() != "1"))
        {
            errors.Add("schemaVersion", v, $"unsupported schemaVersion; expected {SpecTemplate.SchemaVersion}.");
        }

        var (id, version, title, description, tags) = Metadata(map["metadata"], errors);
        var parameters = Parameters(map["parameters"], errors);
        var body = map["spec"];
        if (body is not null && errors.IsValid)
        {
            foreach (var (name, at) in TemplateSubstitution.Placeholders(body).Where(p => parameters.All(d => d.Name != p.Name)).DistinctBy(p => p.Name))
            {
                errors.Add("spec", at, $"placeholder ${{{name}}} is not a declared parameter.");
            }

            var used = TemplateSubstitution.Placeholders(body).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var parameter in parameters.Where(p => !used.Contains(p.Name)))
            {
                errors.Add($"parameters.{parameter.Name}", map["parameters"]!, $"parameter '{parameter.Name}' is declared but no ${{{parameter.Name}}} placeholder uses it.");
            }
        }

        if (!errors.IsValid)
        {
            return errors.ToProblem("Invalid template");
        }

        var template = new SpecTemplate(id!, version!, title!, description ?? "", tags, parameters, body!, yaml!, SpecCanonical.Sha256Hex(yaml!), shipped);

        // The defaults must produce a valid spec: a template that cannot generate is not accepted.
        var effective = TemplateParameters.Effective(template, null).Value!;
        SpecReader.Read(TemplateSubstitution.Apply(body!, effective), errors);
        return errors.IsValid ? template : errors.ToProblem("Invalid template");
    }

    private static (string? Id, string? Version, string? Title, string? Description, List<string> Tags) Metadata(YamlNodeAt? node, SpecErrors errors)
    {
        var tags = new List<string>();
        if (node is null)
        {
            return (null, null, null, null, tags);
        }

        if (node is not YamlMapAt map)
        {
            errors.Add("metadata", node, "expected a mapping {id, version, title, description, tags}.");
            return (null, null, null, null, tags);
        }

        SpecReader.Keys(map, MetadataKeys, "metadata", errors);
        foreach (var key in new[] { "id", "version", "title" }.Where(k => map[k] is null))
        {
            errors.Add($"metadata.{key}", map, $"'{key}' is required.");
        }

        var id = SpecReader.Text(map["id"], "metadata.id", errors);
        if (id is not null && !TemplateId().IsMatch(id))
        {
            errors.Add("metadata.id", map["id"]!, "an id is 2–64 lowercase letters, digits and '-', starting with a letter or digit.");
        }

        // A version is text; 1.0 written plain is a YAML float, so the scalar's text is taken as written.
        var version = map["version"] is YamlScalarAt vs && vs.Text.Trim().Length is > 0 and <= 32 ? vs.Text.Trim() : null;
        if (map["version"] is { } versionNode && version is null)
        {
            errors.Add("metadata.version", versionNode, "expected a version such as \"1.0.0\" (at most 32 characters).");
        }

        var title = SpecReader.Text(map["title"], "metadata.title", errors);
        var description = map["description"] is null ? null : SpecReader.Text(map["description"], "metadata.description", errors);
        if (map["tags"] is { } tagsNode)
        {
            if (tagsNode is YamlSeqAt seq)
            {
                tags.AddRange(seq.Items.Select((t, i) => SpecReader.Text(t, $"metadata.tags[{i}]", errors)).OfType<string>().Select(t => t.Trim().ToLowerInvariant()).Distinct());
            }
            else
            {
                errors.Add("metadata.tags", tagsNode, "expected a list of tags.");
            }
        }

        return (id, version, title?.Trim(), description?.Trim(), tags);
    }

    private static List<TemplateParameter> Parameters(YamlNodeAt? node, SpecErrors errors)
    {
        var list = new List<TemplateParameter>();
        if (node is null)
        {
            return list;
        }

        if (node is not YamlSeqAt seq)
        {
            errors.Add("parameters", node, "expected a list of parameters {name, type, title, description, default, min, max, values}.");
            return list;
        }

        for (var i = 0; i < seq.Items.Count; i++)
        {
            var field = $"parameters[{i}]";
            if (seq.Items[i] is not YamlMapAt p)
            {
                errors.Add(field, seq.Items[i], "expected a mapping {name, type, title, default, …}.");
                continue;
            }

            var before = errors.Count;
            SpecReader.Keys(p, ParameterKeys, field, errors);
            foreach (var key in new[] { "name", "type", "title", "default" }.Where(k => p[k] is null))
            {
                errors.Add($"{field}.{key}", p, $"'{key}' is required.");
            }

            var name = SpecReader.Text(p["name"], $"{field}.name", errors);
            if (name is not null && !ParameterName().IsMatch(name))
            {
                errors.Add($"{field}.name", p["name"]!, "a parameter name is a letter or '_' followed by letters, digits or '_' (at most 64).");
            }
            else if (name is not null && list.Any(x => x.Name == name))
            {
                errors.Add($"{field}.name", p["name"]!, $"parameter '{name}' is declared twice.");
            }

            var type = SpecReader.Text(p["type"], $"{field}.type", errors);
            if (type is not null && !SpecTemplate.ParameterTypes.Contains(type))
            {
                errors.Add($"{field}.type", p["type"]!, $"unknown type '{type}'; expected {string.Join(", ", SpecTemplate.ParameterTypes)}.");
            }

            var title = SpecReader.Text(p["title"], $"{field}.title", errors);
            var description = p["description"] is null ? "" : SpecReader.Text(p["description"], $"{field}.description", errors) ?? "";
            var min = Bound(p, "min", type, field, errors);
            var max = Bound(p, "max", type, field, errors);
            if (min > max)
            {
                errors.Add($"{field}.max", p["max"]!, "max is below min.");
            }

            var values = new List<string>();
            if (p["values"] is { } valuesNode)
            {
                if (type != "enum" || valuesNode is not YamlSeqAt valueSeq || valueSeq.Items.Count == 0)
                {
                    errors.Add($"{field}.values", valuesNode, "values is a non-empty list, and only for type enum.");
                }
                else
                {
                    values.AddRange(valueSeq.Items.Select((t, j) => SpecReader.Text(t, $"{field}.values[{j}]", errors)).OfType<string>());
                    if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
                    {
                        errors.Add($"{field}.values", valuesNode, "values must be unique.");
                    }
                }
            }
            else if (type == "enum")
            {
                errors.Add($"{field}.values", p, "an enum parameter needs values: [..].");
            }

            if (errors.Count != before)
            {
                continue;
            }

            var parameter = new TemplateParameter(name!, type!, title!.Trim(), description.Trim(), SpecReader.Typed(p["default"]!), min, max, values);
            var (_, error) = TemplateParameters.Check(parameter, SpecReader.Typed(p["default"]!));
            if (error is not null)
            {
                errors.Add($"{field}.default", p["default"]!, $"the default does not fit the declaration: {error}");
                continue;
            }

            list.Add(parameter);
        }

        return list;
    }

    private static double? Bound(YamlMapAt p, string key, string? type, string field, SpecErrors errors)
    {
        if (p[key] is not { } node)
        {
            return null;
        }

        if (type is not ("number" or "integer"))
        {
            errors.Add($"{field}.{key}", node, $"{key} applies only to number and integer parameters.");
            return null;
        }

        if (SpecReader.Typed(node) is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return CanonicalJson.JsonNumber(v);
        }

        errors.Add($"{field}.{key}", node, $"{key} must be a number.");
        return null;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex TemplateId();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ParameterName();
}
