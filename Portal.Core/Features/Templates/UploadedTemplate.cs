namespace Portal.Core.Features.Templates;

/// <summary>
/// A template a Maintainer uploaded (table <c>templates</c>). Only the text is authoritative: it is
/// re-parsed on read, so a parser change can never leave a stored, half-understood copy behind.
/// <see cref="Id"/> is <c>metadata.id</c>; <see cref="Sha256"/> is over the UTF-8 bytes of <see cref="Yaml"/>.
/// </summary>
public sealed class UploadedTemplate
{
    public required string Id { get; set; }

    public required string Version { get; set; }

    public required string Title { get; set; }

    public required string Yaml { get; set; }

    public required string Sha256 { get; set; }

    public required string UploadedBy { get; set; }

    public DateTime UploadedAt { get; set; }
}
