using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Engine;

/// <summary>
/// The release hash of docs/model-format.md: sha256 over a canonical listing of every file
/// (sorted by relative path, ordinal, '/' separators): "path\nsha256(bytes with CRLF→LF)\n".
/// Line endings are normalised so a Windows checkout hashes the same as a Linux one.
/// </summary>
public static class ReleaseHash
{
    public static string Compute(string releaseDirectory)
    {
        if (!System.IO.Directory.Exists(releaseDirectory))
        {
            throw new DirectoryNotFoundException($"no such release folder: {releaseDirectory}");
        }

        var root = Path.GetFullPath(releaseDirectory);
        var files = System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: Path.GetRelativePath(root, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        var listing = new StringBuilder();
        foreach (var (full, relative) in files)
        {
            listing.Append(relative).Append('\n').Append(HashFile(File.ReadAllBytes(full))).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
    }

    private static string HashFile(byte[] bytes)
    {
        var normalised = new byte[bytes.Length];
        var length = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n')
            {
                continue;
            }

            normalised[length++] = bytes[i];
        }

        return Convert.ToHexStringLower(SHA256.HashData(normalised.AsSpan(0, length)));
    }
}
