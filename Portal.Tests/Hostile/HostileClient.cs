using System.Net.Http.Headers;
using System.Text.Json;

namespace Portal.Tests.Hostile;

/// <summary>
/// Sends hostile requests and checks what every answer must satisfy: never a 5xx; a 4xx is
/// <c>application/problem+json</c> with its status and a title; a rejection leaves the database and the
/// data directory exactly as they were. Failures are collected so one run reports all of them.
/// </summary>
public sealed class HostileClient(HttpClient client, StateSnapshot state, Func<Payload, bool>? answeredByApi = null)
{
    // Only the first failures are kept in full: a payload can carry a 1 MB body, and a broken rule
    // that fails every request must give a readable report, not an out-of-memory test host.
    private const int KeptFailures = 50;

    public List<(Payload Payload, string Reason)> Failures { get; } = [];

    public int FailureCount { get; private set; }

    private void Fail(Payload payload, string reason)
    {
        FailureCount++;
        if (Failures.Count < KeptFailures)
        {
            Failures.Add((payload, reason));
        }
    }

    public Dictionary<int, int> StatusCounts { get; } = [];

    public async Task<HttpResponseMessage> SendAsync(Payload payload, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(payload.Method), payload.Url);
        if (payload.Body is not null)
        {
            var content = new ByteArrayContent(payload.Body);
            if (payload.ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", payload.ContentType);
            }

            request.Content = content;
        }

        configure?.Invoke(request);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
        {
            Fail(payload, $"the request failed instead of getting an answer: {e.GetType().Name}: {e.Message}");
            state.Changes();
            return new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError);
        }

        var status = (int)response.StatusCode;
        StatusCounts[status] = StatusCounts.GetValueOrDefault(status) + 1;
        var body = await response.Content.ReadAsByteArrayAsync();
        // A hostile route value can turn the URL into a page's (e.g. /abc/policy): then only "no 5xx" applies.
        var reason = answeredByApi?.Invoke(payload) == false ? (status >= 500 ? $"server error {status}" : null) : Problem(status, response.Content.Headers.ContentType, body);
        var changes = state.Changes();
        if (reason is null && status >= 400 && changes.Length > 0)
        {
            reason = $"rejected with {status} but changed state: {changes}";
        }

        if (reason is not null)
        {
            Fail(payload, $"{reason}\n  Response {status}: {Truncate(System.Text.Encoding.UTF8.GetString(body))}");
        }

        return response;
    }

    private static string? Problem(int status, MediaTypeHeaderValue? contentType, byte[] body)
    {
        if (status >= 500)
        {
            return $"server error {status}";
        }

        if (status < 400)
        {
            return null;
        }

        if (contentType?.MediaType != "application/problem+json")
        {
            return $"{status} with content type '{contentType?.MediaType ?? "<none>"}' instead of application/problem+json";
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (!root.TryGetProperty("status", out var s) || s.ValueKind != JsonValueKind.Number || s.GetInt32() != status)
            {
                return $"{status} problem without a matching status member";
            }

            if (!root.TryGetProperty("title", out var t) || t.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(t.GetString()))
            {
                return $"{status} problem without a title";
            }
        }
        catch (JsonException e)
        {
            return $"{status} problem+json that is not JSON: {e.Message}";
        }

        return null;
    }

    public string Report(int max = 5)
    {
        if (Failures.Count == 0)
        {
            return "";
        }

        var byReason = Failures.GroupBy(f => f.Payload.Url.Split('?')[0] + " " + f.Reason.Split('\n')[0][..Math.Min(60, f.Reason.Split('\n')[0].Length)]);
        var lines = new List<string> { $"{FailureCount} hostile requests broke a rule ({byReason.Count()} distinct among the first {Failures.Count}). First failing payload, in full:", "", Failures[0].Payload.Describe(), "  => " + Failures[0].Reason, "", "Others:" };
        lines.AddRange(byReason.Take(max * 4).Select(g => $"- {g.Count()}× {g.First().Payload.Method} {g.First().Payload.Url[..Math.Min(120, g.First().Payload.Url.Length)]} [{g.First().Payload.Kind}] => {Truncate(g.First().Reason, 400)}"));
        return string.Join("\n", lines);
    }

    private static string Truncate(string text, int max = 600) => text.Length > max ? text[..max] + "…" : text;
}
