using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Features.Specs;
using Portal.Core.Identity;

namespace Portal.Core.Features.Runs;

/// <param name="SpecYaml">The request body: a spec document, provenance embedded or not.</param>
/// <param name="ProvenanceHeader">The <c>X-Model-Provenance</c> header (JSON), if sent.</param>
public sealed record StartRunRequest(string SpecYaml, string? ProvenanceHeader);

/// <summary>
/// <c>POST /v1/run</c> (CanRun): parses the spec (400 with the line and column), reads the provenance
/// from the header or the embedded block (the header wins; a difference is recorded as a warning),
/// resolves the bundle and runs through <see cref="RunExecution"/>. The registry row exists when this
/// returns. <c>spec.yaml</c> is the spec re-emitted deterministically without provenance, so it is the
/// same bytes whichever way the provenance came; <c>provenance.json</c> is the provenance's canonical
/// form plus <c>received_at</c>, so parameter types are the same too.
/// </summary>
public sealed class StartRunHandler(RunExecution execution, TimeProvider time)
{
    public const int MaxBytes = 256 * 1024;

    public const string HeaderName = "X-Model-Provenance";

    public async Task<Result<RunRecord>> HandleAsync(StartRunRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Running simulations needs the Analyst, Maintainer or Admin role.");
        }

        if (string.IsNullOrWhiteSpace(request.SpecYaml))
        {
            return Problem.Invalid("$", "The body must be a spec document (YAML): schemaVersion: 1, then spec: {country, bundle, time_period, region, reform, outputs}.");
        }

        var parsed = SpecDocument.Parse(request.SpecYaml);
        if (!parsed.Succeeded)
        {
            return parsed.Problem!;
        }

        var document = parsed.Value!;
        var provenance = ReadProvenance(request.ProvenanceHeader, document.EmbeddedProvenance);
        if (!provenance.Succeeded)
        {
            return provenance.Problem!;
        }

        var (chosen, warnings) = provenance.Value;
        var runId = RunIds.New();
        var gatewayRequest = RunSpecs.ToGatewayRequest(document.Spec, null, runId, chosen?.TemplateTitle);
        var prepared = await execution.PrepareAsync(gatewayRequest, actor, ct);
        if (!prepared.Succeeded)
        {
            return prepared.Problem!;
        }

        var provenanceJson = chosen?.ToJsonObject() ?? new JsonObject { ["source"] = "api" };
        provenanceJson["received_at"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var run = new RunRecord
        {
            RunId = runId,
            Kind = RunKinds.Template,
            Source = chosen?.Source ?? "api",
            TemplateId = chosen?.TemplateId,
            ModelId = chosen?.ModelId,
            Title = chosen?.TemplateTitle,
            Country = document.Spec.Country,
            BundleId = prepared.Value!.Resolved.Bundle.BundleId,
            BundleRequested = document.Spec.Bundle,
            SpecSha256 = SpecCanonical.Sha256(document.Spec),
            SpecText = document.ToYaml(withProvenance: false),
            ProvenanceJson = RunJsonText.Indented(provenanceJson),
            WarningsJson = JsonSerializer.Serialize(warnings),
            SubmittedBy = actor.Name,
        };
        return await execution.StartAsync(run, gatewayRequest, prepared.Value, reuseCache: true, ct);
    }

    /// <summary>The header's provenance if sent, else the embedded one; a warning when both came and differ.</summary>
    public static Result<(ModelProvenance? Provenance, List<string> Warnings)> ReadProvenance(string? header, JsonObject? embedded)
    {
        var warnings = new List<string>();
        ModelProvenance? fromHeader = null;
        if (!string.IsNullOrWhiteSpace(header))
        {
            var read = ModelProvenance.FromJson(header.Trim());
            if (!read.Succeeded)
            {
                var detail = read.Problem!.Describe();
                return Problem.Invalid(HeaderName, $"The {HeaderName} header is not valid provenance JSON: {detail}");
            }

            fromHeader = read.Value;
        }

        ModelProvenance? fromYaml = null;
        if (embedded is not null)
        {
            var read = ModelProvenance.FromJson(embedded);
            if (!read.Succeeded)
            {
                return read.Problem!;
            }

            fromYaml = read.Value;
        }

        if (fromHeader is not null && fromYaml is not null)
        {
            var header1 = RunCanonicalJson.Serialize(fromHeader.ToJsonObject());
            var yaml1 = RunCanonicalJson.Serialize(fromYaml.ToJsonObject());
            if (header1 != yaml1)
            {
                var differing = fromHeader.ToJsonObject()
                    .Where(p => RunCanonicalJson.Serialize(p.Value) != RunCanonicalJson.Serialize(fromYaml.ToJsonObject()[p.Key]))
                    .Select(p => p.Key);
                warnings.Add($"The {HeaderName} header and the provenance embedded in the spec differ ({string.Join(", ", differing)}); the header's was used.");
            }
        }

        return (fromHeader ?? fromYaml, warnings);
    }
}
