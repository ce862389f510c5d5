namespace Portal.Hosting;

/// <summary>
/// Flags that belong to Portal rather than to ASP.NET's configuration: <c>--demo</c> is taken out
/// of the arguments before the host sees them, because the command-line configuration provider
/// would otherwise read the next argument as its value.
/// </summary>
public sealed record StartupOptions(bool Demo, string[] HostArgs)
{
    public const string DemoFlag = "--demo";

    public static StartupOptions Parse(string[] args)
    {
        var demo = args.Contains(DemoFlag, StringComparer.OrdinalIgnoreCase)
            || string.Equals(Environment.GetEnvironmentVariable("PORTAL_DEMO"), "true", StringComparison.OrdinalIgnoreCase)
            || Environment.GetEnvironmentVariable("PORTAL_DEMO") == "1";
        return new StartupOptions(demo, args.Where(a => !string.Equals(a, DemoFlag, StringComparison.OrdinalIgnoreCase)).ToArray());
    }
}
