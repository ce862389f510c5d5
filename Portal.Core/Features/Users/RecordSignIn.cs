using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;

namespace Portal.Core.Features.Users;

/// <summary>Remembers when a user last signed in, for the admin's user list.</summary>
public sealed class RecordSignInHandler(PortalDbContext db, TimeProvider time)
{
    public async Task HandleAsync(string userId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInUtc, now), ct);
    }
}
