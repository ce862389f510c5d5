using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Engine;
using Portal.Core.Features.Templates;

namespace Portal.Cli;

/// <summary>
/// <c>portal generate --template ID [--param name=value …] [--params file.json] --output spec.yaml
/// [--provenance provenance.json | --embed-provenance]</c>: Sim on the command line. Same handler
/// and serializer as <c>POST /api/v1/templates/{id}/generate</c>, so the files equal the API's
/// <c>model</c> string and <c>provenance</c> member byte for byte. No database: Sim stores nothing.
/// </summary>
public static class GenerateCommand
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static Command Create()
    {
        var template = new Option<string>("--template") { Description = "Template id (see GET /api/v1/templates).", Required = true };
        var param = new Option<string[]>("--param") { Description = "name=value, parsed by the parameter's declared type; repeatable; wins over --params." };
        var paramsFile = new Option<string?>("--params") { Description = "A JSON object of parameter values." };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the spec YAML (default: standard output)." };
        var provenance = new Option<string?>("--provenance") { Description = "Write the provenance JSON to this file." };
        var embed = new Option<bool>("--embed-provenance") { Description = "Embed the provenance in the spec YAML instead." };
        var generatedAt = new Option<string?>("--generated-at")
        {
            Description = "Generation time (ISO 8601 UTC) instead of now, to reproduce a file exactly.",
            Hidden = true,
        };
        var command = new Command("generate", "Generate a simulation spec (and its provenance) from a template.")
        {
            template, param, paramsFile, output, provenance, embed, generatedAt,
        };
        command.SetAction(parse => Run(
            parse.GetValue(template)!, parse.GetValue(param) ?? [], parse.GetValue(paramsFile), parse.GetValue(output),
            parse.GetValue(provenance), parse.GetValue(embed), parse.GetValue(generatedAt)));
        return command;
    }

    private static int Run(string templateId, string[] pairs, string? paramsFile, string? output, string? provenancePath, bool embed, string? generatedAtText)
    {
        if (provenancePath is not null && embed)
        {
            throw new CliException("--provenance and --embed-provenance are mutually exclusive: write the provenance to a file, or embed it in the spec, not both.", 2);
        }

        var catalog = TemplateCatalog.LoadShipped();
        var found = catalog.Get(templateId);
        if (!found.Succeeded)
        {
            return PortalCli.Fail(found.Problem!);
        }

        var spec = found.Value!;
        var overrides = ReadParamsFile(paramsFile);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliException($"--param '{pair}': expected name=value.");
            }

            var name = pair[..eq];
            overrides[name] = Typed(spec.Parameter(name), pair[(eq + 1)..]);
        }

        DateTimeOffset? at = null;
        if (generatedAtText is not null)
        {
            at = DateTimeOffset.TryParse(generatedAtText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : throw new CliException($"--generated-at '{generatedAtText}': expected an ISO 8601 time such as 2026-12-02T03:51:32Z.");
        }

        var models = ModelCatalog.Load(ModelOptions.DefaultDirectory, allowUnlocked: false);
        var result = GenerateSpecHandler.Generate(spec, overrides, embed, at ?? DateTimeOffset.UtcNow, models);
        if (!result.Succeeded)
        {
            return PortalCli.Fail(result.Problem!);
        }

        var generated = result.Value!;
        if (output is null)
        {
            Console.Out.Write(generated.Model);
        }
        else
        {
            File.WriteAllText(Path.GetFullPath(output), generated.Model, Utf8NoBom);
        }

        if (provenancePath is not null)
        {
            File.WriteAllText(Path.GetFullPath(provenancePath), generated.ProvenanceJson, Utf8NoBom);
        }

        Console.Error.WriteLine($"{generated.Provenance.ModelId}  spec sha256 {generated.SpecSha256}");
        return 0;
    }

    private static JsonObject ReadParamsFile(string? path)
    {
        if (path is null)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.GetFullPath(path))) as JsonObject
                ?? throw new CliException($"--params {path}: expected a JSON object of parameter values.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new CliException($"--params {path}: {e.Message}");
        }
    }

    private static JsonNode? Typed(TemplateParameter? parameter, string text)
    {
        var (value, error) = TemplateParameters.FromText(parameter, text);
        return error is null ? value : throw new CliException($"--param {parameter!.Name}={text}: {error}");
    }
}
