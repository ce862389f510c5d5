namespace Portal.Components.Shared;

/// <summary>One step of the breadcrumb trail; the last one (the current page) has no link.</summary>
public sealed record Crumb(string Text, string? Href = null);
