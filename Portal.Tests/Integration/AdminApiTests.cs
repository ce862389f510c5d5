using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Features.Audit;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Integration;

public sealed class AdminApiTests(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Administrators_manage_users_through_the_api()
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");

        var created = await admin.PostAsJsonAsync("/api/admin/users", new { email = "new.analyst@example.org", password = TestPasswords.Strong, roles = new[] { "Analyst" }, display_name = "New Analyst" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = user.GetProperty("id").GetString()!;
        Assert.Equal("New Analyst", user.GetProperty("display_name").GetString());
        Assert.EndsWith($"/api/admin/users/{id}", created.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var duplicate = await admin.PostAsJsonAsync("/api/admin/users", new { email = "NEW.analyst@example.org", password = TestPasswords.Strong, roles = new[] { "Analyst" } });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        var problem = await duplicate.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("A user with this email already exists.", problem.GetProperty("errors").GetProperty("email")[0].GetString());

        var roles = await admin.PutAsJsonAsync($"/api/admin/users/{id}/roles", new { roles = new[] { "Analyst", "Reviewer" } });
        Assert.Equal(HttpStatusCode.OK, roles.StatusCode);
        Assert.Equal(["Analyst", "Reviewer"], (await roles.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var locked = await admin.PostAsync($"/api/admin/users/{id}/lock", null);
        Assert.True((await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("is_locked").GetBoolean());
        var unlocked = await admin.PostAsync($"/api/admin/users/{id}/unlock", null);
        Assert.False((await unlocked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("is_locked").GetBoolean());

        var byEmail = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users/new.analyst@example.org");
        Assert.Equal(id, byEmail.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/admin/users/nobody@example.org")).StatusCode);

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/admin/users?role=Reviewer&page_size=5");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetString() == id);
        Assert.Equal(5, list.GetProperty("page_size").GetInt32());

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit?search=new.analyst");
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("user.created", actions);
        Assert.Contains("user.roles_changed", actions);
        Assert.Contains("user.locked", actions);
        Assert.Contains("user.unlocked", actions);
    }

    [Fact]
    public async Task A_locked_users_token_stops_working_immediately()
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        var target = await factory.CreateUserAsync($"lockme-{Guid.NewGuid():N}@example.org", TestPasswords.Strong, "Analyst");
        var token = await factory.CreateTokenAsync(target.Email);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(token).GetAsync("/api/me")).StatusCode);

        await admin.PostAsync($"/api/admin/users/{target.Id}/lock", null);

        var response = await factory.ApiClient(token).GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_are_created_for_users_listed_without_secrets_and_revoked()
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        var owner = await factory.CreateUserAsync($"owner-{Guid.NewGuid():N}@example.org", TestPasswords.Strong, "Maintainer");

        var created = await admin.PostAsJsonAsync("/api/admin/tokens", new { user = owner.Email, name = "deploy", expires_in_days = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("token").GetString()!;
        Assert.Matches("^ptl_[A-Za-z0-9_-]{43}$", secret);

        var listing = await admin.GetStringAsync("/api/admin/tokens");
        Assert.DoesNotContain(secret, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessTokenSecret.Hash(secret), listing, StringComparison.Ordinal);
        Assert.Contains(body.GetProperty("display_prefix").GetString()!, listing, StringComparison.Ordinal);

        var me = await factory.ApiClient(secret).GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(owner.Email, me.GetProperty("email").GetString());

        var revoked = await admin.DeleteAsync($"/api/admin/tokens/{body.GetProperty("id").GetInt64()}");
        Assert.Equal("revoked", (await revoked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(secret).GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/admin/tokens/999999")).StatusCode);
    }

    [Fact]
    public async Task Validation_errors_are_400_problems_with_field_errors()
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        var response = await admin.PostAsJsonAsync("/api/admin/users", new { email = "not-an-email", password = "short", roles = new[] { "Wizard" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("roles", out _));
    }

    [Fact]
    public async Task The_maintenance_job_runs_on_demand_and_prunes_old_rows()
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        var owner = await factory.CreateUserAsync($"prune-{Guid.NewGuid():N}@example.org", TestPasswords.Strong, "Analyst");
        await factory.WithDbAsync(async db =>
        {
            var longAgo = DateTime.UtcNow.AddDays(-400);
            db.AuditEvents.Add(new AuditEvent { AtUtc = longAgo, ActorName = "test", Action = "ancient.event", Target = "t", Details = "" });
            db.AccessTokens.Add(new AccessToken
            {
                UserId = owner.Id, Name = "old", TokenHash = new string('a', 64), DisplayPrefix = "ptl_old", CreatedUtc = longAgo,
                CreatedBy = "test", RevokedUtc = longAgo.AddDays(1), RevokedBy = "test",
            });
            return await db.SaveChangesAsync();
        });

        var jobs = await admin.GetFromJsonAsync<JsonElement>("/api/admin/jobs");
        Assert.Contains(jobs.GetProperty("scheduled").EnumerateArray(), t => t.GetProperty("job_name").GetString() == "database-maintenance");

        var run = await admin.PostAsync("/api/admin/jobs/system/database-maintenance/run", null);
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/admin/jobs/system/no-such-job/run", null)).StatusCode);

        var execution = await Poll.UntilAsync(async () =>
        {
            var overview = await admin.GetFromJsonAsync<JsonElement>("/api/admin/jobs");
            return overview.GetProperty("recent").EnumerateArray()
                .Where(e => e.GetProperty("job_name").GetString() == "database-maintenance")
                .Select(e => (JsonElement?)e).FirstOrDefault() is { } found ? (object)found : null;
        }, TimeSpan.FromSeconds(30), "the maintenance run to be recorded");
        var entry = (JsonElement)execution;
        Assert.Equal("succeeded", entry.GetProperty("result").GetString()?.ToLowerInvariant());
        Assert.True(entry.GetProperty("manual").GetBoolean());
        Assert.Contains("Pruned 1 audit event(s) and 1 token(s)", entry.GetProperty("summary").GetString(), StringComparison.Ordinal);

        Assert.False(await factory.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "ancient.event")));
        Assert.False(await factory.WithDbAsync(db => db.AccessTokens.AnyAsync(t => t.Name == "old")));
        Assert.True(await factory.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == "job.triggered")));
    }

    [Fact]
    public async Task Triggers_can_be_paused_and_resumed()
    {
        var admin = await factory.ApiClientForNewUserAsync("Admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/admin/triggers/system/database-maintenance-nightly/pause", null)).StatusCode);
        Assert.Equal("Paused", await StateAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/admin/triggers/system/database-maintenance-nightly/resume", null)).StatusCode);
        Assert.Equal("Normal", await StateAsync());

        async Task<string?> StateAsync() =>
            (await admin.GetFromJsonAsync<JsonElement>("/api/admin/jobs")).GetProperty("scheduled").EnumerateArray()
                .Single(t => t.GetProperty("trigger_name").GetString() == "database-maintenance-nightly").GetProperty("state").GetString();
    }
}
