using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Features.Policies;
using Portal.Core.Features.Simulations;

namespace Portal.Core.Features.V2;

/// <summary>
/// One v2 simulation's engine object, shared by its job and later aggregate requests. The engine's
/// <see cref="Simulation"/> is not thread-safe, so every use goes through <see cref="UseAsync{T}"/>,
/// one caller at a time; computed columns stay cached in it for the next request.
/// </summary>
public sealed class SimulationHandle(string simulationId, Simulation simulation) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Simulation engine = simulation;

    public string SimulationId { get; } = simulationId;

    public async Task<T> UseAsync<T>(Func<Simulation, T> work, CancellationToken ct = default)
    {
        await gate.WaitAsync(ct);
        try
        {
            return work(engine);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> holding both handles (taken in id order, so two callers never deadlock).</summary>
    public static async Task<T> UseBothAsync<T>(SimulationHandle first, SimulationHandle second, Func<Simulation, Simulation, T> work, CancellationToken ct = default)
    {
        if (ReferenceEquals(first, second))
        {
            return await first.UseAsync(s => work(s, s), ct);
        }

        var (outer, inner) = string.CompareOrdinal(first.SimulationId, second.SimulationId) <= 0 ? (first, second) : (second, first);
        await outer.gate.WaitAsync(ct);
        try
        {
            await inner.gate.WaitAsync(ct);
            try
            {
                return work(first.engine, second.engine);
            }
            finally
            {
                inner.gate.Release();
            }
        }
        finally
        {
            outer.gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}

/// <summary>
/// Recently used v2 simulations, rebuilt on demand from their job row: the same bundle (through
/// <see cref="BundleRuntime"/>, which caches populations), canonical reform, period and region give
/// the same numbers the job computed (a region is the same subset of rows each time). Small LRU; concurrent requests for one simulation share one build.
/// </summary>
public sealed class V2SimulationCache(BundleRuntime runtime, IServiceScopeFactory scopes)
{
    /// <summary>Simulations kept: each holds every column computed so far, which on a large bundle is hundreds of MB.</summary>
    public const int Capacity = 4;

    private readonly Lock gate = new();
    private readonly LinkedList<(string Id, Task<SimulationHandle> Build)> recency = new();
    private readonly Dictionary<string, LinkedListNode<(string Id, Task<SimulationHandle> Build)>> entries = new(StringComparer.Ordinal);

    public async Task<SimulationHandle> GetAsync(SimulationJob job, CancellationToken ct = default)
    {
        Task<SimulationHandle> build;
        lock (gate)
        {
            if (entries.TryGetValue(job.JobId, out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                build = node.Value.Build;
            }
            else
            {
                // Evicted handles are not disposed: a caller may still be using one; the GC collects them.
                build = Task.Run(() => BuildAsync(job), CancellationToken.None);
                entries[job.JobId] = recency.AddFirst((job.JobId, build));
                while (recency.Count > Capacity)
                {
                    entries.Remove(recency.Last!.Value.Id);
                    recency.RemoveLast();
                }
            }
        }

        try
        {
            return await build.WaitAsync(ct);
        }
        catch (Exception) when (build.IsFaulted)
        {
            // A failed build is not cached: the bundle's data may be restored.
            Forget(job.JobId, build);
            throw;
        }
    }

    /// <summary>Drops a simulation (e.g. its job failed after the build, so no aggregate will ask for it).</summary>
    public void Forget(string simulationId) => Forget(simulationId, null);

    private void Forget(string simulationId, Task<SimulationHandle>? build)
    {
        lock (gate)
        {
            if (entries.TryGetValue(simulationId, out var node) && (build is null || ReferenceEquals(node.Value.Build, build)))
            {
                entries.Remove(simulationId);
                recency.Remove(node);
            }
        }
    }

    private async Task<SimulationHandle> BuildAsync(SimulationJob job)
    {
        var inputs = V2SimulationInputs.Parse(job.RequestJson);
        Bundles.ExecutionBundle? bundle;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            bundle = await db.ExecutionBundles.AsNoTracking().FirstOrDefaultAsync(b => b.BundleId == job.BundleId);
        }

        if (bundle is null)
        {
            throw new BundleLoadException($"Bundle {job.BundleId} of simulation {job.JobId} is not registered.");
        }

        var loaded = await runtime.LoadAsync(bundle);
        var population = V2Regions.Select(loaded.Model, loaded.Population, inputs.TimePeriod, inputs.Region);
        var simulation = new Simulation(loaded.Model, population, inputs.TimePeriod, PolicyParameters.ToReform(inputs.Changes));
        return new SimulationHandle(job.JobId, simulation);
    }
}
