using System.Buffers;
using System.Text.Json;
using Portal.Core.Features.Simulations;

namespace Portal.Api;

/// <summary>
/// A polled job written straight to the response: 202 while <c>submitted</c>/<c>running</c>, 200
/// once <c>complete</c> (with <c>result</c>) or <c>failed</c> (with <c>error</c>). The stored
/// result is copied as raw UTF-8 bytes, last and in pipe-sized pieces — never parsed, re-serialised
/// or held in one contiguous large buffer — which keeps polling cheap however large the result.
/// Budget windows add PolicyEngine's per-year fields. A finished job's answer carries an ETag and is
/// 304 for a matching <c>If-None-Match</c>.
/// </summary>
public sealed class JobStatusResult(SimulationJobView job, byte[]? resultUtf8) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        var terminal = SimulationJobStatuses.IsTerminal(job.Status);
        if (terminal)
        {
            // A finished job's answer never changes (its row is final): a client that sends the ETag back
            // gets an empty 304 instead of the result again.
            var etag = $"\"{job.JobId}.{job.CompletedUtc?.Ticks ?? 0}\"";
            response.Headers.ETag = etag;
            response.Headers.CacheControl = "private, no-cache";
            if (httpContext.Request.Headers.IfNoneMatch is { Count: > 0 } ifNoneMatch && Matches(ifNoneMatch, etag))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
        }
        else
        {
            response.Headers.CacheControl = "no-store";
        }

        response.StatusCode = terminal ? StatusCodes.Status200OK : StatusCodes.Status202Accepted;
        response.ContentType = "application/json; charset=utf-8";
        var body = response.BodyWriter;
        await using (var writer = new Utf8JsonWriter(body))
        {
            WriteFields(writer);
            writer.WritePropertyName("result");
        }

        // The value of "result", then the closing brace, written past the JSON writer.
        ReadOnlySpan<byte> result = job.Status == SimulationJobStatuses.Complete && resultUtf8 is not null ? resultUtf8 : "null"u8;
        body.Write(result);
        body.Write("}"u8);
        await body.FlushAsync(httpContext.RequestAborted);
    }

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            foreach (var tag in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // Weak comparison, as If-None-Match asks for: W/"x" matches "x".
                if (tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == etag)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void WriteFields(Utf8JsonWriter w)
    {
        var budgetWindow = job.Kind == SimulationJobKinds.BudgetWindow;
        w.WriteStartObject();
        w.WriteString("job_id", job.JobId);
        if (budgetWindow)
        {
            w.WriteString("batch_job_id", job.JobId);
        }

        w.WriteString("kind", job.Kind);
        w.WriteString("status", job.Status);
        w.WriteNumber("progress", job.Status == SimulationJobStatuses.Complete ? 1.0 : Progress());
        WriteNullable(w, "stage", job.Stage);
        w.WriteString("poll_url", (budgetWindow ? "/budget-window-jobs/" : "/jobs/") + job.JobId);
        w.WriteString("country", job.Country);
        w.WriteString("version", job.Bundle.ModelVersion);
        w.WriteString("run_id", job.RunId);
        WriteNullable(w, "parent_job_id", job.ParentJobId);
        w.WriteString("submitted_at", job.SubmittedUtc);
        WriteNullable(w, "started_at", job.StartedUtc);
        WriteNullable(w, "completed_at", job.CompletedUtc);
        w.WriteNumber("attempts", job.Attempts);
        w.WritePropertyName("policyengine_bundle");
        WriteBundle(w, job.Bundle);
        if (budgetWindow && job.Children is { } children)
        {
            WriteYears(w, "completed_years", children, SimulationJobStatuses.Complete);
            WriteYears(w, "running_years", children, SimulationJobStatuses.Running);
            WriteYears(w, "queued_years", children, SimulationJobStatuses.Submitted);
            WriteYears(w, "failed_years", children, SimulationJobStatuses.Failed);
            w.WriteStartObject("child_jobs");
            foreach (var child in children)
            {
                w.WriteStartObject(child.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("job_id", child.JobId);
                w.WriteString("status", child.Status);
                WriteNullable(w, "error", child.Error);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        WriteNullable(w, "error", job.Status == SimulationJobStatuses.Failed ? job.Error : null);
    }

    /// <summary>A budget window's progress is the share of its years done; other jobs report their own.</summary>
    private double Progress() =>
        job.Children is { Count: > 0 } children
            ? children.Count(c => SimulationJobStatuses.IsTerminal(c.Status)) / (double)children.Count
            : job.Progress;

    private static void WriteYears(Utf8JsonWriter w, string name, IReadOnlyList<ChildJobView> children, string status)
    {
        w.WriteStartArray(name);
        foreach (var child in children.Where(c => c.Status == status))
        {
            w.WriteStringValue(child.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        w.WriteEndArray();
    }

    private static void WriteBundle(Utf8JsonWriter w, PolicyEngineBundle b)
    {
        w.WriteStartObject();
        w.WriteString("bundle_id", b.BundleId);
        w.WriteString("display_id", b.DisplayId);
        w.WriteString("country", b.Country);
        w.WriteString("model_version", b.ModelVersion);
        w.WriteString("model_sha256", b.ModelSha256);
        w.WriteString("data_version", b.DataVersion);
        w.WriteString("manifest_revision", b.ManifestRevision);
        w.WriteString("dataset", b.Dataset);
        w.WriteString("dataset_sha256", b.DatasetSha256);
        w.WriteString("engine_version", b.EngineVersion);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, DateTime? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
