using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Quartz;

namespace Portal.Core.Features.Simulations;

/// <summary>
/// Puts simulation jobs in the database and on the Quartz scheduler. The unique <c>cache_key</c>
/// index decides races: of any number of concurrent identical submits exactly one inserts (and
/// schedules the one Quartz trigger); the others read that row back. A failed job does not block its
/// key: a resubmit releases the key from the failed row (kept as history) and queues a new job, in
/// one transaction, so the unique index still holds.
/// </summary>
public sealed class SimulationJobQueue(PortalDbContext db, ISchedulerFactory schedulers, TimeProvider time, ILogger<SimulationJobQueue> logger)
{
    public const string QuartzGroup = "simulations";
    public const string JobIdKey = "job_id";

    public static JobKey QuartzJobKey(string jobId) => new(jobId, QuartzGroup);

    public Task<(SimulationJob Job, bool Created)> SubmitAsync(SimulationJob job, CancellationToken ct = default) =>
        SubmitAsync(job, [], ct);

    /// <summary>
    /// Stores <paramref name="job"/> and its <paramref name="children"/> (budget-window years, which get
    /// no trigger of their own: the parent runs them) together, then schedules the job.
    /// </summary>
    public async Task<(SimulationJob Job, bool Created)> SubmitAsync(SimulationJob job, IReadOnlyList<SimulationJob> children, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(children);
        var now = time.GetUtcNow().UtcDateTime;
        Prepare(job, now);
        foreach (var child in children)
        {
            child.RunId = string.IsNullOrEmpty(child.RunId) ? job.RunId : child.RunId;
            Prepare(child, now);
            child.ParentJobId = job.JobId;
            child.CacheKey = null;
        }

        for (var attempt = 1; ; attempt++)
        {
            var holder = job.CacheKey is null ? null : await db.SimulationJobs.AsNoTracking().FirstOrDefaultAsync(j => j.CacheKey == job.CacheKey, ct);
            if (holder is not null && holder.Status != SimulationJobStatuses.Failed)
            {
                return (holder, false);
            }

            try
            {
                await InsertAsync(job, children, releaseFailed: holder is not null, ct);
                break;
            }
            catch (DbUpdateException) when (job.CacheKey is not null && attempt < 3)
            {
                // Lost the race for the key: the next look finds the winner.
                db.ChangeTracker.Clear();
                job.Id = 0;
                foreach (var child in children)
                {
                    child.Id = 0;
                }
            }
        }

        db.ChangeTracker.Clear();
        await ScheduleAsync(job.JobId, ct);
        return (job, true);
    }

    /// <summary>
    /// One insert (the common case: one short write, which matters on SQLite's single writer), or,
    /// when a failed job holds the key, the release of its key and the insert in one transaction.
    /// </summary>
    private async Task InsertAsync(SimulationJob job, IReadOnlyList<SimulationJob> children, bool releaseFailed, CancellationToken ct)
    {
        db.SimulationJobs.Add(job);
        db.SimulationJobs.AddRange(children);
        if (!releaseFailed)
        {
            await db.SaveChangesAsync(ct);
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.SimulationJobs
            .Where(j => j.CacheKey == job.CacheKey && j.Status == SimulationJobStatuses.Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CacheKey, (string?)null), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Adds the Quartz job and trigger that run <paramref name="jobId"/> (no-op if they exist). If the
    /// scheduler refuses, the row is failed with the reason rather than left waiting forever.
    /// </summary>
    public async Task ScheduleAsync(string jobId, CancellationToken ct = default)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(ct);
            var detail = JobBuilder.Create<SimulationJobRunner>()
                .WithIdentity(QuartzJobKey(jobId))
                .WithDescription("Simulation job " + jobId)
                .UsingJobData(JobIdKey, jobId)
                .RequestRecovery()
                .Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(jobId, QuartzGroup)
                .WithExecutionGroup(QuartzGroup)
                .ForJob(detail)
                .StartNow()
                .Build();
            await scheduler.ScheduleJob(detail, trigger, default, ct);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Already queued (e.g. by the start-up sweep): nothing to do.
        }
        catch (SchedulerException e)
        {
            logger.LogError(e, "Could not schedule simulation job {JobId}", jobId);
            await db.SimulationJobs
                .Where(j => j.JobId == jobId && j.Status == SimulationJobStatuses.Submitted)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, SimulationJobStatuses.Failed)
                    .SetProperty(j => j.Error, "The job could not be queued: " + e.Message)
                    .SetProperty(j => j.CompletedUtc, time.GetUtcNow().UtcDateTime), CancellationToken.None);
        }
    }

    /// <summary>
    /// Re-queues top-level jobs that are pending in the database but unknown to the scheduler (the
    /// process stopped between insert and schedule, or a run was interrupted by a shutdown). Jobs
    /// Quartz is recovering itself still have their job and are left alone.
    /// </summary>
    public async Task<int> RequeueOrphansAsync(CancellationToken ct = default)
    {
        var pending = await db.SimulationJobs.AsNoTracking()
            .Where(j => j.ParentJobId == null && (j.Status == SimulationJobStatuses.Submitted || j.Status == SimulationJobStatuses.Running))
            .Select(j => j.JobId)
            .ToListAsync(ct);
        var scheduler = await schedulers.GetScheduler(ct);
        var requeued = 0;
        foreach (var jobId in pending)
        {
            if (!await scheduler.Exists(QuartzJobKey(jobId), ct))
            {
                await ScheduleAsync(jobId, ct);
                requeued++;
            }
        }

        return requeued;
    }

    private static void Prepare(SimulationJob job, DateTime now)
    {
        if (string.IsNullOrEmpty(job.JobId))
        {
            job.JobId = NewJobId();
        }

        job.Status = SimulationJobStatuses.Submitted;
        job.Progress = 0;
        job.SubmittedUtc = now;
        if (string.IsNullOrEmpty(job.RunId))
        {
            job.RunId = "run_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        }
    }

    /// <summary><c>job_</c> + 26 Crockford base32 characters: 48-bit millisecond time then 80 random bits (sortable, unguessable).</summary>
    public static string NewJobId()
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        Span<char> chars = stackalloc char[26];
        var value = new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return "job_" + new string(chars);
    }
}
