using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Portal.Core.Data.Conventions;

/// <summary>
/// Portal's own tables use snake_case columns (natural in PostgreSQL, and what the legacy
/// tables later features mirror use). Identity's tables keep their well-known names.
/// </summary>
public static class SnakeCaseNames
{
    public static void ApplyToPortalEntities(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            if (entity.ClrType.Namespace?.StartsWith("Portal.Core.Features", StringComparison.Ordinal) != true)
            {
                continue;
            }

            foreach (var property in entity.GetProperties())
            {
                // A name a configuration spelled out (e.g. legacy "simulation_1_id") stays as written.
                if (((IConventionProperty)property).GetColumnNameConfigurationSource() == ConfigurationSource.Explicit)
                {
                    continue;
                }

                property.SetColumnName(ToSnakeCase(property.Name));
            }
        }
    }

    public static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                // Break before an upper-case letter that starts a word: "TokenHash" → token_hash,
                // "UserId" → user_id, "ExpiresUtc" → expires_utc.
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
