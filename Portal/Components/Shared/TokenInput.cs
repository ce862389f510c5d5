namespace Portal.Components.Shared;

/// <summary>Form fields for creating an access token (bound from the posted form).</summary>
public sealed class TokenInput
{
    public string? User { get; set; }

    public string? Name { get; set; }

    public int? ExpiresInDays { get; set; } = 90;
}
