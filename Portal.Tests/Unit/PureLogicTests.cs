using Portal.Core.Common;
using Portal.Core.Data.Conventions;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Identity;
using Portal.Hosting;

namespace Portal.Tests.Unit;

public sealed class SnakeCaseTests
{
    [Theory]
    [InlineData("TokenHash", "token_hash")]
    [InlineData("UserId", "user_id")]
    [InlineData("ExpiresUtc", "expires_utc")]
    [InlineData("Id", "id")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("already_snake", "already_snake")]
    public void Converts_property_names(string name, string expected) => Assert.Equal(expected, SnakeCaseNames.ToSnakeCase(name));
}

public sealed class AccessTokenSecretTests
{
    [Fact]
    public void Generated_tokens_have_the_documented_shape_and_are_unique()
    {
        var tokens = Enumerable.Range(0, 200).Select(_ => AccessTokenSecret.Generate()).ToList();
        Assert.All(tokens, t => Assert.Matches("^ptl_[A-Za-z0-9_-]{43}$", t));
        Assert.All(tokens, t => Assert.True(AccessTokenSecret.HasValidShape(t)));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public void Hash_is_lowercase_hex_sha256_of_the_whole_token()
    {
        // Fixed vector, computed independently with: printf 'ptl_test' | sha256sum
        Assert.Equal("aa98fb61863ccdfe6c3b7f9eb759662c00422f01090d76b17080cb6b10a10750", AccessTokenSecret.Hash("ptl_test"));
        Assert.NotEqual(AccessTokenSecret.Hash("ptl_a"), AccessTokenSecret.Hash("ptl_b"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer x")]
    [InlineData("ptl_short")]
    [InlineData("xyz_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("ptl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("ptl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'")]
    public void Rejects_malformed_tokens_without_touching_the_database(string? token) =>
        Assert.False(AccessTokenSecret.HasValidShape(token));

    [Fact]
    public void Display_prefix_never_reveals_the_secret() =>
        Assert.Equal(12, AccessTokenSecret.DisplayPrefixOf(AccessTokenSecret.Generate()).Length);
}

public sealed class PolicyMatrixTests
{
    [Theory]
    [InlineData(PortalPolicies.CanAdmin, new[] { PortalRoles.Admin })]
    [InlineData(PortalPolicies.CanPromote, new[] { PortalRoles.Admin, PortalRoles.Maintainer })]
    [InlineData(PortalPolicies.CanPublish, new[] { PortalRoles.Admin, PortalRoles.Maintainer })]
    [InlineData(PortalPolicies.CanRun, new[] { PortalRoles.Admin, PortalRoles.Maintainer, PortalRoles.Analyst })]
    [InlineData(PortalPolicies.CanReview, new[] { PortalRoles.Admin, PortalRoles.Maintainer, PortalRoles.Reviewer })]
    public void Each_policy_is_granted_to_exactly_its_roles(string policy, string[] allowed)
    {
        foreach (var role in PortalRoles.All)
        {
            Assert.Equal(allowed.Contains(role), PortalPolicies.Allows(policy, [role]));
        }
    }

    [Fact]
    public void No_role_means_no_capability() =>
        Assert.All(PortalPolicies.Matrix.Keys, p => Assert.False(PortalPolicies.Allows(p, [])));

    [Theory]
    [InlineData("admin", PortalRoles.Admin)]
    [InlineData(" Reviewer ", PortalRoles.Reviewer)]
    [InlineData("root", null)]
    [InlineData(null, null)]
    public void Role_names_are_matched_case_insensitively(string? input, string? expected) =>
        Assert.Equal(expected, PortalRoles.Normalize(input));
}

public sealed class ValidationTests
{
    [Theory]
    [InlineData("ada@example.org", true)]
    [InlineData("a.b+c@sub.example.org", true)]
    [InlineData("", false)]
    [InlineData("not-an-email", false)]
    [InlineData("Ada <ada@example.org>", false)]
    [InlineData(" ada@example.org ", true)] // surrounding blanks are trimmed by every use case
    public void Email(string value, bool valid) => Assert.Equal(valid, new Validation().Email(value).IsValid);

    [Fact]
    public void Problem_lists_every_field_message()
    {
        var problem = new Validation().Add("email", "bad email").Add("email", "taken").Add("password", "short").ToProblem();
        Assert.Equal(ProblemKind.Validation, problem.Kind);
        Assert.Equal(["bad email", "taken"], problem.Errors!["email"]);
        Assert.Equal("bad email taken short", problem.Describe());
    }

    [Theory]
    [InlineData(null, null, 1, Paging.DefaultPageSize)]
    [InlineData(-3, 0, 1, 1)]
    [InlineData(4, 10_000, 4, Paging.MaxPageSize)]
    public void Paging_is_clamped_not_rejected(int? page, int? size, int expectedPage, int expectedSize) =>
        Assert.Equal((expectedPage, expectedSize), Paging.Normalize(page, size));
}

public sealed class PasswordRulesTests
{
    [Fact]
    public void Generated_passwords_meet_the_rules_and_avoid_look_alikes()
    {
        var password = PasswordRules.Generate();
        Assert.Equal(20, password.Length);
        Assert.True(password.Length >= PasswordRules.MinimumLength);
        Assert.DoesNotContain(password, c => "0O1lI".Contains(c, StringComparison.Ordinal));
    }
}

public sealed class WebHelpersTests
{
    [Theory]
    [InlineData("/admin/users?page=2", "/admin/users?page=2")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("javascript:alert(1)", "/")]
    public void Return_urls_stay_on_this_site(string? input, string expected) => Assert.Equal(expected, UiEndpoints.SafeReturnUrl(input));

    [Theory]
    [InlineData("/api/me", true)]
    [InlineData("/API/admin/users", true)]
    [InlineData("/simulate/economy/comparison", true)]
    [InlineData("/jobs/123", true)]
    [InlineData("/v1/run", true)]
    [InlineData("/us/calculate", true)]
    [InlineData("/uk/report/1", true)]
    [InlineData("/openapi/v1.json", true)]
    [InlineData("/", false)]
    [InlineData("/admin/jobs", false)]
    [InlineData("/simulations", false)]
    [InlineData("/users", false)]
    [InlineData("/apix", false)]
    [InlineData("/versions", true)]
    [InlineData("/versions/us", true)]
    [InlineData("/deployment", true)]
    [InlineData("/aliases/us/latest/history", true)]
    [InlineData("/aliases", false)]
    [InlineData("/aliases/", false)]
    public void Api_paths(string path, bool isApi) => Assert.Equal(isApi, ApiPaths.IsApi(new Microsoft.AspNetCore.Http.PathString(path)));

    [Fact]
    public void Demo_flag_is_removed_before_the_host_parses_arguments()
    {
        var options = StartupOptions.Parse(["--demo", "--urls", "http://127.0.0.1:5099"]);
        Assert.True(options.Demo);
        Assert.Equal(["--urls", "http://127.0.0.1:5099"], options.HostArgs);
        Assert.False(StartupOptions.Parse(["--urls", "x"]).Demo);
    }
}
