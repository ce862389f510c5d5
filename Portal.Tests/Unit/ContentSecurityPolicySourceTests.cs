using Portal.Tests.Infrastructure;
using System.Text.RegularExpressions;

namespace Portal.Tests.Unit;

/// <summary>
/// The content security policy allows only self-hosted scripts and styles: a <c>style="…"</c>
/// attribute or an inline <c>&lt;script&gt;</c> body in a component is blocked by the browser at run
/// time (and reported by the e2e watcher). This catches it at build time, in every component.
/// </summary>
public sealed partial class ContentSecurityPolicySourceTests
{
    [Fact]
    public void No_component_uses_inline_styles_or_inline_scripts()
    {
        var components = Path.Combine(RepositoryLayout.Root, "Portal", "Components");
        var offenders = Directory.EnumerateFiles(components, "*.razor", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, number: index + 1)))
            .Where(l => StyleAttribute().IsMatch(l.line) || InlineScript().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(components, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Blocked by the CSP:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_check_recognises_what_it_looks_for()
    {
        Assert.Matches(StyleAttribute(), """<div class="x" style="height: 1rem">""");
        Assert.Matches(InlineScript(), "<script>alert(1)</script>");
        Assert.DoesNotMatch(InlineScript(), """<script type="application/json" id="data">{}</script>""");
        Assert.DoesNotMatch(InlineScript(), """<script src="/js/app.js"></script>""");
    }

    [GeneratedRegex(@"\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    // A <script> element with neither src nor a JSON data type: its body would be inline code.
    [GeneratedRegex(@"<script(?![^>]*(\bsrc\s*=|application/json))[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
