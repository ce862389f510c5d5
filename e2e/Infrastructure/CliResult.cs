namespace Portal.E2E.Infrastructure;

/// <summary>The outcome of one CLI verb run on the portal executable.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout: {StdOut}{Environment.NewLine}stderr: {StdErr}";
}
