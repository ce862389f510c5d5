namespace Portal.Core.Features.Settings;

/// <summary>
/// A small key/value row for facts the system records about itself. The primary key doubles
/// as a once-only guard: first-run setup inserts <see cref="SetupCompletedKey"/>, so two
/// concurrent setup requests cannot both succeed on any database.
/// </summary>
public sealed class SystemSetting
{
    public const string SetupCompletedKey = "setup.completed";

    public string Key { get; set; } = "";

    public string Value { get; set; } = "";

    public DateTime UpdatedUtc { get; set; }
}
