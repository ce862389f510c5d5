using Microsoft.Extensions.Configuration;

namespace Portal.Core.Features.Simulations;

/// <summary>Settings of the simulation gateway (section <c>Simulations</c>).</summary>
public sealed class SimulationOptions
{
    public const string Section = "Simulations";

    /// <summary>
    /// Simulation jobs running at once on this instance. Default 1: one economy comparison already
    /// uses every core (the engine parallelises large columns), so a second one at the same time only
    /// halves the speed of both and doubles the memory.
    /// </summary>
    public int MaxConcurrentJobs { get; set; } = 1;

    /// <summary>
    /// Whether this instance runs simulation jobs. False makes it a gateway-only node: it accepts
    /// submits and answers polls while other nodes of a PostgreSQL cluster compute (also used by the
    /// submit benchmark to time submits without the simulations).
    /// </summary>
    public bool Worker { get; set; } = true;

    /// <summary>Loaded bundle populations kept in memory (least recently used evicted first).</summary>
    public int PopulationCacheSize { get; set; } = 4;

    /// <summary>Memory for completed results served to polls (UTF-8 bytes, least recently used evicted first).</summary>
    public int ResultCacheMegabytes { get; set; } = 64;

    /// <summary>Minimum time between two progress writes of one job (the final state is always written).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Test hook: pause this long after a job is claimed and before it computes, so a process can be killed mid-job.</summary>
    public int JobDelayMs { get; set; }

    public static SimulationOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<SimulationOptions>() ?? new SimulationOptions();
        options.MaxConcurrentJobs = Math.Max(1, options.MaxConcurrentJobs);
        options.PopulationCacheSize = Math.Max(1, options.PopulationCacheSize);
        options.ResultCacheMegabytes = Math.Max(0, options.ResultCacheMegabytes);
        return options;
    }
}
