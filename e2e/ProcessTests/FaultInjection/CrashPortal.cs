using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.E2E.Infrastructure;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// One real portal process (SQLite) for a whole trial sequence: seeded with the CLI before the first
/// start (an admin with a token, generated US data releases), then killed and started again per
/// trial on the same data directory.
/// </summary>
public sealed class CrashPortal : IAsyncDisposable
{
    /// <summary>How long a restarted portal may take to bring everything to a terminal state.</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(120);

    private CrashPortal(PortalProcess process, string token)
    {
        Process = process;
        Token = token;
        Database = new CrashDatabase(process.DataDir);
    }

    public PortalProcess Process { get; }

    public string Token { get; }

    public CrashDatabase Database { get; }

    public string ArtifactsDir => Path.Combine(Process.DataDir, "artifacts");

    /// <summary>Seeds (admin + token + one US release per version) and starts the portal.</summary>
    public static async Task<CrashPortal> StartAsync(string name, int households, int clones, IReadOnlyDictionary<string, string>? environment = null, params string[] dataVersions)
    {
        var process = PortalProcess.Create(name);
        try
        {
            await process.CreateUserAsync(TestAccounts.Admin);
            var token = await process.CreateTokenAsync(TestAccounts.Admin.Email, "crash trials");
            foreach (var version in dataVersions.DefaultIfEmpty("2024.1.0"))
            {
                var generated = await process.RunCliAsync(["data", "generate", "--country", "us", "--version", version,
                    "--households", households.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "7",
                    "--clones", clones.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                Assert.True(generated.ExitCode == 0, generated.ToString());
            }

            foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            {
                process.ServerEnvironmentVariables[key] = value;
            }

            await process.StartAsync();
            return new CrashPortal(process, token);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public HttpClient Client() => Process.CreateClient(Token);

    /// <summary>Creates the certified bundle of US model 1.1.0 over <paramref name="dataVersion"/>; returns its full id.</summary>
    public async Task<string> CreateBundleAsync(string dataVersion)
    {
        using var api = Client();
        using var created = await api.PostAsJsonAsync("/api/v2/bundles", new { country = "us", model_version = "1.1.0", data_version = dataVersion });
        var bundle = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, bundle.ToJsonString());
        Assert.True((bool)bundle["certified"]!, bundle.ToJsonString());
        return (string)bundle["bundle_id"]!;
    }

    /// <summary>Creates <c>us/latest</c> → <paramref name="bundleId"/>.</summary>
    public async Task PromoteLatestAsync(string bundleId)
    {
        using var api = Client();
        using var promoted = await api.PutAsJsonAsync("/api/v2/aliases/us/latest", new { bundle_id = bundleId, reason = "crash trials" });
        Assert.True(promoted.StatusCode == HttpStatusCode.Created, await promoted.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Polls <paramref name="problem"/> (null = every invariant holds) until it holds or
    /// <see cref="SettleTimeout"/> passes; a timeout fails with the last problem and the server log.
    /// Returns how long settling took.
    /// </summary>
    public async Task<TimeSpan> SettleAsync(string what, Func<Task<string?>> problem)
    {
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (clock.Elapsed < SettleTimeout)
        {
            last = await problem();
            if (last is null)
            {
                return clock.Elapsed;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"{what}: not settled within {SettleTimeout.TotalSeconds:F0} s after the restart:{Environment.NewLine}{last}{Environment.NewLine}--- server log ---{Environment.NewLine}{Process.LogTail(60)}");
        return clock.Elapsed;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
