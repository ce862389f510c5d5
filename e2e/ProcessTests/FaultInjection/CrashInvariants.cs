using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.E2E.ProcessTests.FaultInjection;

/// <summary>
/// What must hold after a crash and a restart, as problem text (null = holds), so a settle loop can
/// poll them and a failure says exactly which row or file is wrong.
/// </summary>
public static class CrashInvariants
{
    /// <summary>Every simulation job (gateway, budget-window year, report) is complete with a result or failed with a reason.</summary>
    public static string? JobsTerminal(CrashDatabase db) => Problem("simulation jobs not terminal (or failed without a reason, or complete without a result)", db.Rows("""
        SELECT job_id, kind, status, stage, error, attempts FROM simulation_jobs
        WHERE status NOT IN ('complete', 'failed')
           OR (status = 'failed' AND COALESCE(error, '') = '')
           OR (status = 'complete' AND result_json IS NULL)
        """));

    /// <summary>
    /// The run registry: exactly one row per top-level job, every row terminal, and every complete
    /// run's folder whole (each file its manifest lists exists with that sha256; no temporary files).
    /// </summary>
    public static string? Registry(CrashDatabase db, string artifactsDir)
    {
        var problem = Problem("top-level jobs without exactly one registry row", db.Rows("""
            SELECT j.job_id, j.kind, j.status, COUNT(r.id) AS registry_rows FROM simulation_jobs j
            LEFT JOIN runs r ON r.job_id = j.job_id
            WHERE j.parent_job_id IS NULL
            GROUP BY j.job_id HAVING COUNT(r.id) <> 1
            """)) ?? Problem("registry rows not terminal (or failed without a reason)", db.Rows("""
            SELECT run_id, kind, status, job_id, error FROM runs
            WHERE status NOT IN ('complete', 'failed') OR (status = 'failed' AND COALESCE(error, '') = '')
            """));
        if (problem is not null)
        {
            return problem;
        }

        var root = Path.Combine(artifactsDir, "runs");
        foreach (var run in db.Rows("SELECT run_id FROM runs WHERE status = 'complete'"))
        {
            var folder = Path.Combine(root, (string)run["run_id"]!);
            var manifestPath = Path.Combine(folder, "manifest.json");
            if (!File.Exists(manifestPath))
            {
                return $"complete run {run["run_id"]} has no {manifestPath}";
            }

            var files = JsonNode.Parse(File.ReadAllText(manifestPath))!["files"]!.AsObject();
            foreach (var (name, sha) in files)
            {
                if (ManifestFileProblem(Path.Combine(folder, name.Replace('/', Path.DirectorySeparatorChar)), (string?)sha) is { } bad)
                {
                    return $"run {run["run_id"]}: {bad}";
                }
            }
        }

        return TempFiles(root);
    }

    /// <summary>A file a manifest lists: it exists and hashes to the listed sha256.</summary>
    public static string? ManifestFileProblem(string path, string? sha256)
    {
        if (!File.Exists(path))
        {
            return $"listed file {path} does not exist";
        }

        var actual = Sha256(path);
        return actual == sha256 ? null : $"listed file {path} has sha256 {actual}, the manifest says {sha256}";
    }

    /// <summary>Any file or folder whose name contains <c>.tmp</c> (a write a kill interrupted that nothing cleaned up).</summary>
    public static string? TempFiles(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return null;
        }

        var leftovers = Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p).Contains(".tmp", StringComparison.Ordinal)).ToList();
        return leftovers.Count == 0 ? null : "temporary files left behind:" + Environment.NewLine + string.Join(Environment.NewLine, leftovers);
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>An HDF5 file opens and its structure reads (<c>h5dump -H</c>, from hdf5-tools, which test.sh installs).</summary>
    public static string? Hdf5Opens(string path)
    {
        var start = new ProcessStartInfo("h5dump") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-H");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        return process.ExitCode == 0 ? null : $"h5dump -H {path} failed ({process.ExitCode}): {stderr.Trim()}";
    }

    private static string? Problem(string what, List<Dictionary<string, object?>> rows)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder($"{what} ({rows.Count}):").AppendLine();
        text.Append(CrashDatabase.Describe(rows.Take(20)));
        return text.ToString();
    }

    /// <summary>Rows as problem text (null when there are none), for scenario-specific queries.</summary>
    public static string? Rows(string what, List<Dictionary<string, object?>> rows) => Problem(what, rows);
}
