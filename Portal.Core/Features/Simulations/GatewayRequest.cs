using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Common;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// A gateway submit body (PolicyEngine's <c>GatewayRequestBase</c> plus Portal's <c>bundle</c>),
/// read strictly: unknown fields, wrong types, malformed JSON and bodies over 256 KiB are schema
/// problems (the API answers 422, like PolicyEngine's gateway). What the fields mean is checked
/// later, by the resolver and the handlers (400).
/// </summary>
/// <param name="TimePeriod">Null = the model's default year.</param>
/// <param name="RunId">From <c>telemetry.run_id</c> (or <c>_telemetry</c>); null = Portal generates one.</param>
/// <param name="PolicyEngineVersion">Accepted for compatibility and recorded, never used: Portal's bundles are the version.</param>
public sealed record GatewayRequest(
    string Country,
    string? Bundle,
    string? Version,
    string? ModelVersion,
    string? DataVersion,
    string? Data,
    int? TimePeriod,
    JsonNode? Reform,
    JsonNode? Baseline,
    string? Region,
    string? Title,
    bool IncludeCliffs,
    string? RunId,
    string? PolicyEngineVersion,
    string? Scope,
    int? StartYear = null,
    int? WindowSize = null)
{
    /// <summary>PolicyEngine's <c>MAX_GATEWAY_REQUEST_BYTES</c>.</summary>
    public const int MaxBytes = 262_144;

    private static readonly string[] CommonFields =
    [
        "country", "bundle", "version", "model_version", "data_version", "data", "time_period", "reform", "baseline",
        "region", "title", "include_cliffs", "telemetry", "_telemetry", "_metadata", "_runtime_bundle", "scope", "policyengine_version",
    ];

    private static readonly string[] BudgetWindowFields = [.. CommonFields, "start_year", "window_size", "max_parallel", "target"];

    /// <summary>The model version asked for by either spelling (they must agree; the resolver checks).</summary>
    public string? RequestedModelVersion => ModelVersion ?? Version;

    public static Result<GatewayRequest> ParseComparison(ReadOnlySpan<byte> utf8) => Parse(utf8, budgetWindow: false);

    public static Result<GatewayRequest> ParseBudgetWindow(ReadOnlySpan<byte> utf8) => Parse(utf8, budgetWindow: true);

    private static Result<GatewayRequest> Parse(ReadOnlySpan<byte> utf8, bool budgetWindow)
    {
        if (utf8.Length > MaxBytes)
        {
            return Problem.Invalid("$", $"The request body is {utf8.Length} bytes; the limit is {MaxBytes} bytes (256 KiB).");
        }

        // JsonNode decodes member names lazily: invalid UTF-8 in a name would throw on first use (a 500).
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return Problem.Invalid("$", "The body is not valid UTF-8.");
        }

        JsonObject body;
        try
        {
            var node = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 64 });
            if (node is not JsonObject obj)
            {
                return Problem.Invalid("$", "The body must be a JSON object.");
            }

            body = obj;
        }
        catch (JsonException e)
        {
            return Problem.Invalid("$", $"The body is not valid JSON: {e.Message}");
        }

        var errors = new Validation();
        var allowed = budgetWindow ? BudgetWindowFields : CommonFields;
        foreach (var (key, _) in body)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                errors.Add(key, $"Unknown field '{key}'; allowed fields are {string.Join(", ", allowed.Where(f => !f.StartsWith('_')))}.");
            }
        }

        var reader = new FieldReader(body, errors);
        var country = reader.String("country");
        if (body["country"] is null)
        {
            errors.Add("country", "Field required: 'us' or 'uk'.");
        }

        var telemetry = body["telemetry"] ?? body["_telemetry"];
        string? runId = null;
        if (telemetry is not null)
        {
            if (telemetry is not JsonObject envelope)
            {
                errors.Add("telemetry", "Expected an object such as {\"run_id\": \"…\"}.");
            }
            else
            {
                runId = new FieldReader(envelope, errors, "telemetry.").String("run_id");
                if (runId is { Length: > 100 })
                {
                    errors.Add("telemetry.run_id", "At most 100 characters.");
                }
            }
        }

        var request = new GatewayRequest(
            country?.Trim().ToLowerInvariant() ?? "",
            reader.String("bundle"),
            reader.String("version"),
            reader.String("model_version"),
            reader.String("data_version"),
            reader.String("data"),
            reader.Year("time_period"),
            reader.Object("reform"),
            reader.Object("baseline"),
            reader.String("region"),
            reader.String("title"),
            reader.Boolean("include_cliffs") ?? false,
            runId,
            reader.String("policyengine_version"),
            reader.String("scope"));
        if (request.Title is { Length: > 200 })
        {
            errors.Add("title", "At most 200 characters.");
        }

        if (budgetWindow)
        {
            request = request with { StartYear = reader.Year("start_year"), WindowSize = reader.Integer("window_size") };
            var maxParallel = reader.Integer("max_parallel");
            var target = reader.String("target");
            errors.Require(body.ContainsKey("start_year"), "start_year", "Field required: the first year, e.g. 2026.")
                .Require(body.ContainsKey("window_size"), "window_size", "Field required: the number of years, 1 to 75.")
                .Require(request.Region is not null, "region", "Field required: e.g. 'us', 'state/CA' or 'uk'.")
                .Require(request.WindowSize is null or (>= 1 and <= 75), "window_size", "Must be between 1 and 75.")
                .Require(maxParallel is null or (>= 1 and <= 20), "max_parallel", "Must be between 1 and 20.")
                .Require(target is null or "general", "target", "Only 'general' is supported.")
                .Require(!request.IncludeCliffs, "include_cliffs", "Cliff impacts are not available for budget windows.");
            if (request.StartYear is { } start && request.WindowSize is { } size and >= 1 and <= 75 && start + size - 1 > 2099)
            {
                errors.Add("window_size", $"The window ends in {start + size - 1}; the last year allowed is 2099.");
            }
        }

        return errors.IsValid ? request : errors.ToProblem();
    }

    /// <summary>Reads optional typed fields, recording a type error per field.</summary>
    private sealed class FieldReader(JsonObject body, Validation errors, string prefix = "")
    {
        public string? String(string name)
        {
            var node = body[name];
            if (node is null)
            {
                return null;
            }

            if (node is JsonValue v && v.TryGetValue<string>(out var s))
            {
                return s;
            }

            errors.Add(prefix + name, "Expected a string.");
            return null;
        }

        public bool? Boolean(string name)
        {
            var node = body[name];
            if (node is null)
            {
                return null;
            }

            if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetValue<bool>();
            }

            errors.Add(prefix + name, "Expected true or false.");
            return null;
        }

        public int? Integer(string name)
        {
            var node = body[name];
            if (node is null)
            {
                return null;
            }

            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i))
            {
                return i;
            }

            errors.Add(prefix + name, "Expected an integer.");
            return null;
        }

        /// <summary>A year as a number or an integer-valued string (PolicyEngine sends both), 1900–2099.</summary>
        public int? Year(string name)
        {
            var node = body[name];
            if (node is null)
            {
                return null;
            }

            int? year = node is JsonValue v
                ? v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i
                : v.TryGetValue<string>(out var s) && int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
                : null
                : null;
            if (year is >= 1900 and <= 2099)
            {
                return year;
            }

            errors.Add(prefix + name, "Expected a year between 1900 and 2099, e.g. 2026 or \"2026\".");
            return null;
        }

        public JsonNode? Object(string name)
        {
            var node = body[name];
            if (node is null or JsonObject)
            {
                return node?.DeepClone();
            }

            errors.Add(prefix + name, "Expected a policy object {\"parameter.path\": {\"yyyy-MM-dd.yyyy-MM-dd\": value}}.");
            return null;
        }
    }
}
