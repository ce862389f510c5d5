using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Core.Features.Specs;

/// <summary>
/// The one identity of a spec, computed the same way by Sim and Engine whatever path the spec took
/// (embedded provenance, header, re-serialised YAML): sha256 over the UTF-8 bytes of
/// <see cref="Json"/>, written as 64 lowercase hex digits, with algorithm name
/// <see cref="Algorithm"/> stored next to it.
/// </summary>
/// <remarks>
/// The canonical JSON is the object
/// <c>{"bundle","country","outputs","reform","region","time_period"}</c> written by
/// <see cref="CanonicalJson.Canonical"/> (RFC 8785: keys ordinal-sorted, no whitespace, numbers
/// shortest round-trip ECMAScript form, strings minimally escaped, raw UTF-8). Values as the reader
/// normalised them: country lowercase, region canonical (<c>state/CA</c>), time_period an integer,
/// outputs sorted ordinally; reform changes sorted by path (ordinal) then start, each
/// <c>{"path","start":"yyyy-MM-dd","stop":"yyyy-MM-dd"|null,"value":number|boolean}</c>.
/// Embedded provenance is never part of it.
/// </remarks>
public static class SpecCanonical
{
    public const string Algorithm = "sha256-canonical-json-v1";

    public static string Json(SimulationSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var reform = new JsonArray();
        foreach (var change in spec.Reform
            .OrderBy(c => c.Path, StringComparer.Ordinal)
            .ThenBy(c => c.Start)
            .ThenBy(c => c.Stop ?? DateOnly.MaxValue))
        {
            reform.Add(new JsonObject
            {
                ["path"] = change.Path,
                ["start"] = SimulationSpec.Date(change.Start),
                ["stop"] = change.Stop is { } stop ? SimulationSpec.Date(stop) : null,
                ["value"] = JsonNode.Parse(change.Value.GetRawText()),
            });
        }

        var json = new JsonObject
        {
            ["bundle"] = spec.Bundle,
            ["country"] = spec.Country,
            ["outputs"] = new JsonArray([.. spec.Outputs.Order(StringComparer.Ordinal).Select(o => JsonValue.Create(o))]),
            ["reform"] = reform,
            ["region"] = spec.Region,
            ["time_period"] = spec.TimePeriod,
        };
        return CanonicalJson.Canonical(json);
    }

    public static string Sha256(SimulationSpec spec) => Sha256Hex(Json(spec));

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
