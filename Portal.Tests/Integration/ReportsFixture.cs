using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Features.Reports;
using Portal.Core.Identity;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

/// <summary>
/// The gateway fixture (real SQLite, real Quartz, a generated US release with <c>national</c> and
/// <c>calibration</c> bundles, <c>latest</c> → 1.1.0 national) plus report users: two analysts, a
/// maintainer and a reviewer (no run rights), each with a bearer client and their user id.
/// </summary>
public sealed class ReportsFixture : GatewayFixture, IAsyncLifetime
{
    public (HttpClient Client, string UserId) Owner { get; private set; }

    public (HttpClient Client, string UserId) OtherAnalyst { get; private set; }

    public HttpClient Maintainer { get; private set; } = null!;

    public HttpClient Reviewer { get; private set; } = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Owner = await UserAsync(PortalRoles.Analyst);
        OtherAnalyst = await UserAsync(PortalRoles.Analyst);
        Maintainer = (await UserAsync(PortalRoles.Maintainer)).Client;
        Reviewer = (await UserAsync(PortalRoles.Reviewer)).Client;
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Client, string UserId)> UserAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.org";
        var user = await CreateUserAsync(email, TestPasswords.Strong, role);
        return (ApiClient(await CreateTokenAsync(email)), user.Id);
    }

    public static async Task<JsonObject> PostAsync(HttpClient client, string path, object body, HttpStatusCode? expected = null)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected is null ? response.IsSuccessStatusCode : response.StatusCode == expected, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<long> PolicyAsync(HttpClient client, object data, string country = "us") =>
        (long)(await PostAsync(client, $"/{country}/policy", new { data }))["result"]!["policy_id"]!;

    public static async Task<long> SimulationAsync(HttpClient client, string population, string type, long policy, string country = "us") =>
        (long)(await PostAsync(client, $"/{country}/simulation", new { population_id = population, population_type = type, policy_id = policy }))["result"]!["id"]!;

    public static async Task<JsonObject> ReportAsync(HttpClient client, object body, string country = "us") =>
        (await PostAsync(client, $"/{country}/report", body))["result"]!.AsObject();

    /// <summary>Polls the legacy GET until the report is complete or error.</summary>
    public static Task<JsonObject> WaitReportAsync(HttpClient client, long id, string country = "us") =>
        Poll.UntilAsync(async () =>
        {
            var body = JsonNode.Parse(await client.GetStringAsync($"/{country}/report/{id}"))!["result"]!.AsObject();
            return (string?)body["status"] is ReportStatuses.Complete or ReportStatuses.Error ? body : null;
        }, TimeSpan.FromSeconds(90), $"report #{id} to finish");

    /// <summary>Every report-related row, serialized: equal snapshots mean nothing changed.</summary>
    public Task<string> SnapshotAsync() => WithDbAsync(async db =>
    {
        var reports = await db.ReportOutputs.AsNoTracking().OrderBy(r => r.Id).ToListAsync();
        var simulations = await db.ReportSimulations.AsNoTracking().OrderBy(s => s.Id).ToListAsync();
        var impacts = await db.ReformImpacts.AsNoTracking().OrderBy(r => r.ReformImpactId).ToListAsync();
        var keys = await db.ReportRerunKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync();
        var jobs = await db.SimulationJobs.AsNoTracking().CountAsync();
        return System.Text.Json.JsonSerializer.Serialize(new { reports, simulations, impacts, keys, jobs });
    });

    /// <summary>A report row as the create handler writes it, inserted directly in a chosen state (no computation queued).</summary>
    public Task<ReportOutput> InsertReportAsync(string ownerId, long simulation1, long? simulation2, string status, string year = "2024", string? jobId = null) => WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var report = new ReportOutput
        {
            CountryId = "us",
            Simulation1Id = simulation1,
            Simulation2Id = simulation2,
            ApiVersion = ReportCacheVersion.For(Latest.BundleId),
            Status = status,
            Output = status == ReportStatuses.Complete ? "{\"budget\":{}}" : null,
            ErrorMessage = status == ReportStatuses.Error ? "boom" : null,
            Year = year,
            ReportType = ReportTypes.Economy,
            BundleId = Latest.BundleId,
            OptionsJson = ReportOptions.Json(EconomyTargets.General),
            ReuseKey = Guid.NewGuid().ToString("N"),
            OwnerId = ownerId,
            OwnerName = "owner",
            JobId = jobId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.ReportOutputs.Add(report);
        await db.SaveChangesAsync();
        return report;
    });

    public Task<T> DbAsync<T>(Func<PortalDbContext, Task<T>> action) => WithDbAsync(action);
}
