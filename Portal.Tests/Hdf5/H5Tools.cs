using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Tests.Hdf5;

/// <summary>Runs the libhdf5 command-line tools (Debian hdf5-tools, installed by test.sh) and parses h5dump output.</summary>
internal static partial class H5Tools
{
    public static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Result}\n{stdout}");
        return stdout;
    }

    /// <summary>h5dump of one dataset (<c>-d</c>) or attribute (<c>-a</c>), parsed.</summary>
    public static Dump DumpObject(string file, string option, string path) => Dump.Parse(Run("h5dump", option, path, file));

    public static string Properties(string file, string dataset) => Run("h5dump", "-p", "-H", "-d", dataset, file);

    public sealed record Dump(string Type, int StringSize, long[] Dims, List<string> Values)
    {
        public double[] Doubles => Values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        public long[] Longs => Values.Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        /// <summary>Quoted strings with h5dump's \000 padding escapes removed.</summary>
        public string[] Strings => Values.Select(v => NulEscape().Replace(v.Trim('"'), "")).ToArray();

        public static Dump Parse(string text)
        {
            var type = DatatypeRegex().Match(text).Groups[1].Value;
            var strsize = StrSizeRegex().Match(text) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            var space = SpaceRegex().Match(text);
            long[] dims = space.Groups[1].Success
                ? space.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray()
                : []; // SCALAR
            var values = new List<string>();
            var data = DataRegex().Match(text);
            if (data.Success)
            {
                foreach (var rawLine in data.Groups[1].Value.Split('\n'))
                {
                    var line = IndexPrefix().Replace(rawLine, "").Trim();
                    foreach (Match t in TokenRegex().Matches(line)) values.Add(t.Value.Trim());
                }
            }
            return new Dump(type, strsize, dims, values);
        }
    }

    [GeneratedRegex(@"DATATYPE\s+(H5T_\w+)")] private static partial Regex DatatypeRegex();
    [GeneratedRegex(@"STRSIZE (\d+);")] private static partial Regex StrSizeRegex();
    [GeneratedRegex(@"DATASPACE\s+(?:SCALAR|SIMPLE \{ \( ([\d, ]*) \))")] private static partial Regex SpaceRegex();
    [GeneratedRegex(@"DATA \{\s*\n(.*?)\n\s*\}", RegexOptions.Singleline)] private static partial Regex DataRegex();
    [GeneratedRegex(@"^\s*\([\d,]+\):")] private static partial Regex IndexPrefix();
    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|[^,\s][^,]*")] private static partial Regex TokenRegex();
    [GeneratedRegex(@"(\\000)+$")] private static partial Regex NulEscape();
}
