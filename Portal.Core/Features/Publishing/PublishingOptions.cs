using Microsoft.Extensions.Configuration;

namespace Portal.Core.Features.Publishing;

/// <summary>Settings of the publishing coordinator (section <c>Publishing</c>).</summary>
public sealed class PublishingOptions
{
    public const string Section = "Publishing";

    /// <summary>Parallel area workers per run when a request names none; 0 means one per CPU core.</summary>
    public int Workers { get; set; }

    /// <summary>Test hook: pause this long after each area is persisted, so a process can be killed mid-run.</summary>
    public int AreaDelayMs { get; set; }

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    public static PublishingOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<PublishingOptions>() ?? new PublishingOptions();
}
