using Portal.Core.Features.Simulations;

namespace Portal.Core.Common;

/// <summary>
/// Public ids of API resources: a short type prefix, <c>_</c>, then 26 Crockford base32 characters
/// (48-bit millisecond time + 80 random bits), so ids sort by creation and cannot be guessed.
/// </summary>
public static class PublicIds
{
    public const int MaxLength = 40;

    public static string New(string prefix) => prefix + "_" + SimulationJobQueue.NewJobId()["job_".Length..];

    /// <summary>True when <paramref name="id"/> has the shape of an id with <paramref name="prefix"/> (cheap rejection before a query).</summary>
    public static bool LooksLike(string? id, string prefix) =>
        id is not null && id.Length == prefix.Length + 27 && id.StartsWith(prefix + "_", StringComparison.Ordinal)
        && id[(prefix.Length + 1)..].All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));
}
