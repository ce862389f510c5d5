using Portal.Components.Pages.Templates;
using Portal.Core.Common;
using Portal.Core.Features.Templates;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

public sealed class TemplateComponentTests
{
    private static readonly SpecTemplate Ctc = TemplateCatalog.LoadShipped().Find("us-ctc-expansion")!;

    [Fact]
    public async Task Fields_are_typed_with_defaults_ranges_and_enum_options()
    {
        await using var renderer = new ComponentRenderer();
        var html = await renderer.RenderAsync<TemplateParameterFields>(("Parameters", Ctc.Parameters));
        var year = html.QuerySelector("#param-year")!;
        Assert.Equal(("number", "1", "2025", "2035", "2026"), (year.GetAttribute("type"), year.GetAttribute("step"), year.GetAttribute("min"), year.GetAttribute("max"), year.GetAttribute("value")));
        Assert.Equal("any", html.QuerySelector("#param-phase_in_rate")!.GetAttribute("step"));
        Assert.Equal("0.15", html.QuerySelector("#param-phase_in_rate")!.GetAttribute("value"));
        var region = html.QuerySelector("select#param-region")!;
        Assert.Contains("state/CA", region.QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        Assert.Equal("us", region.QuerySelector("option[selected]")!.GetAttribute("value"));
        Assert.Equal("latest", html.QuerySelector("input#param-bundle[type=text]")!.GetAttribute("value"));
        Assert.Empty(html.QuerySelectorAll(".is-invalid"));
    }

    [Fact]
    public async Task Validation_messages_sit_next_to_the_offending_field_and_keep_the_input()
    {
        await using var renderer = new ComponentRenderer();
        var problem = Problem.Invalid("year", "'year' must be between 2025 and 2035; got 2050.");
        var html = await renderer.RenderAsync<TemplateParameterFields>(
            ("Parameters", Ctc.Parameters), ("Problem", problem), ("Values", new Dictionary<string, string> { ["year"] = "2050" }));
        var year = html.QuerySelector("#param-year")!;
        Assert.Contains("is-invalid", year.ClassList);
        Assert.Equal("2050", year.GetAttribute("value"));
        Assert.Equal("'year' must be between 2025 and 2035; got 2050.", html.QuerySelector("#year-error")!.TextContent.Trim());
        Assert.Single(html.QuerySelectorAll(".is-invalid"));
    }
}
