using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Common;

namespace Portal.Core.Features.Specs;

/// <summary>
/// A spec document as Sim writes and Engine reads it:
/// <code>
/// schemaVersion: 1
/// provenance: {…}   # optional, always right after schemaVersion when written
/// spec: {country, bundle, time_period, region, reform, outputs}
/// </code>
/// </summary>
public sealed record SpecDocument(int SchemaVersion, SimulationSpec Spec, JsonObject? EmbeddedProvenance)
{
    public const int CurrentSchemaVersion = 1;

    private static readonly string[] RootKeys = ["schemaVersion", "provenance", "spec"];

    /// <summary>Parses and validates; every error names its line and column ("line 7, column 3: …").</summary>
    public static Result<SpecDocument> Parse(string yaml)
    {
        var (root, error, line, column) = YamlTree.Load(yaml ?? "");
        var errors = new SpecErrors();
        if (root is null)
        {
            var message = error ?? "line 1, column 1: unreadable";
            return errors.Add("$", line, column, message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToProblem();
        }

        if (root is not YamlMapAt map)
        {
            return errors.Add("$", root, "expected a mapping with schemaVersion and spec.").ToProblem();
        }

        SpecReader.Keys(map, RootKeys, "", errors);
        if (map["schemaVersion"] is not { } versionNode)
        {
            errors.Add("schemaVersion", map, "'schemaVersion' is required (1).");
        }
        else if (SpecReader.Typed(versionNode) is not JsonValue v || v.GetValueKind() != JsonValueKind.Number
            || !v.TryGetValue<long>(out var version) || version != CurrentSchemaVersion)
        {
            errors.Add("schemaVersion", versionNode, $"unsupported schemaVersion {(versionNode as YamlScalarAt)?.Text}; expected {CurrentSchemaVersion}.");
        }

        JsonObject? provenance = null;
        if (map["provenance"] is { } provenanceNode)
        {
            provenance = provenanceNode is YamlMapAt ? YamlTree.ToJson(provenanceNode) as JsonObject : null;
            if (provenance is null)
            {
                errors.Add("provenance", provenanceNode, "expected a mapping (source, model_id, template_id, …).");
            }
        }

        SimulationSpec? spec = null;
        if (map["spec"] is { } specNode)
        {
            spec = SpecReader.Read(specNode, errors);
        }
        else
        {
            errors.Add("spec", map, "'spec' is required.");
        }

        return errors.IsValid ? new SpecDocument(CurrentSchemaVersion, spec!, provenance) : errors.ToProblem();
    }

    /// <summary>
    /// Deterministic YAML: fixed key order, two-space indent, <c>\n</c> line ends, block-style reform,
    /// flow-style outputs; provenance (when asked for and present) right after schemaVersion.
    /// </summary>
    public string ToYaml(bool withProvenance)
    {
        var sb = new StringBuilder();
        sb.Append("schemaVersion: ").Append(SchemaVersion).Append('\n');
        if (withProvenance && EmbeddedProvenance is not null)
        {
            sb.Append("provenance:\n");
            YamlText.Mapping(sb, EmbeddedProvenance, 2);
        }

        sb.Append("spec:\n");
        sb.Append("  country: ").Append(YamlText.Text(Spec.Country)).Append('\n');
        sb.Append("  bundle: ").Append(YamlText.Text(Spec.Bundle)).Append('\n');
        sb.Append("  time_period: ").Append(Spec.TimePeriod).Append('\n');
        sb.Append("  region: ").Append(YamlText.Text(Spec.Region)).Append('\n');
        if (Spec.Reform.Count == 0)
        {
            sb.Append("  reform: []\n");
        }
        else
        {
            sb.Append("  reform:\n");
            foreach (var change in Spec.Reform)
            {
                sb.Append("    - path: ").Append(YamlText.Text(change.Path)).Append('\n');
                sb.Append("      start: ").Append(SimulationSpec.Date(change.Start)).Append('\n');
                sb.Append("      stop: ").Append(change.Stop is { } stop ? SimulationSpec.Date(stop) : "null").Append('\n');
                sb.Append("      value: ").Append(CanonicalJson.Scalar(JsonNode.Parse(change.Value.GetRawText()))).Append('\n');
            }
        }

        sb.Append("  outputs: [").Append(string.Join(", ", Spec.Outputs.Select(YamlText.Text))).Append("]\n");
        return sb.ToString();
    }
}
