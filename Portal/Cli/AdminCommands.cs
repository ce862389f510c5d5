using System.CommandLine;
using Portal.Core.Common;
using Portal.Core.Features.AccessTokens;
using Portal.Core.Features.Users;
using Portal.Core.Identity;

namespace Portal.Cli;

/// <summary><c>portal admin …</c>: user and token administration for operators with shell access.</summary>
public static class AdminCommands
{
    public static Command Create()
    {
        var admin = new Command("admin", "Manage users and access tokens.");
        admin.Subcommands.Add(CreateUser());
        admin.Subcommands.Add(CreateToken());
        admin.Subcommands.Add(ListUsers());
        admin.Subcommands.Add(SetPassword());
        admin.Subcommands.Add(Lock("lock", locked: true));
        admin.Subcommands.Add(Lock("unlock", locked: false));
        admin.Subcommands.Add(RevokeToken());
        return admin;
    }

    private static Option<string> EmailOption() => new("--email") { Description = "The user's email address.", Required = true };

    private static Command CreateUser()
    {
        var email = EmailOption();
        var roles = new Option<string[]>("--role")
        {
            Description = $"A role to grant; repeat for several. One of: {string.Join(", ", PortalRoles.All)}.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var name = new Option<string?>("--name") { Description = "Display name (default: the part of the email before @)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (recommended: no password in shell history)." };
        var generate = new Option<bool>("--generate-password") { Description = "Generate a password and print it once on stdout." };
        var command = new Command("create-user", "Create a user with a password and one or more roles.") { email, roles, name, passwordStdin, generate };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(passwordStdin) == parse.GetValue(generate))
            {
                throw new CliException("Give exactly one of --password-stdin or --generate-password.");
            }

            var password = parse.GetValue(generate) ? PasswordRules.Generate() : PortalCli.ReadPassword();
            return PortalCli.WithServicesAsync(async services =>
            {
                var result = await services.GetRequiredService<CreateUserHandler>().HandleAsync(
                    new CreateUserRequest(parse.GetValue(email)!, parse.GetValue(name), password, parse.GetValue(roles) ?? []), Actor.Operator, ct);
                if (!result.Succeeded)
                {
                    return PortalCli.Fail(result.Problem!);
                }

                Console.Error.WriteLine($"Created {result.Value!.Email} with role(s) {string.Join(", ", result.Value.Roles)}.");
                if (parse.GetValue(generate))
                {
                    Console.WriteLine(password);
                }

                return 0;
            });
        });
        return command;
    }

    private static Command CreateToken()
    {
        var email = EmailOption();
        var name = new Option<string>("--name") { Description = "What the token is for, e.g. \"CI pipeline\".", Required = true };
        var expires = new Option<int?>("--expires-days") { Description = $"Days until the token expires (1–{CreateAccessTokenHandler.MaxExpiresInDays}); default: never." };
        var command = new Command("create-token", "Create a personal access token for a user and print it (only the token) on stdout, once.") { email, name, expires };
        command.SetAction((parse, ct) => PortalCli.WithServicesAsync(async services =>
        {
            var result = await services.GetRequiredService<CreateAccessTokenHandler>().HandleAsync(
                new CreateAccessTokenRequest(parse.GetValue(email)!, parse.GetValue(name)!, parse.GetValue(expires)), Actor.Operator, ct);
            if (!result.Succeeded)
            {
                return PortalCli.Fail(result.Problem!);
            }

            Console.WriteLine(result.Value!.Token);
            return 0;
        }));
        return command;
    }

    private static Command ListUsers()
    {
        var command = new Command("list-users", "List users with their roles and status.");
        command.SetAction((parse, ct) => PortalCli.WithServicesAsync(async services =>
        {
            var page = await services.GetRequiredService<ListUsersHandler>().HandleAsync(new ListUsersRequest(PageSize: Paging.MaxPageSize), ct);
            Console.WriteLine($"{"EMAIL",-40} {"ROLES",-36} STATUS");
            foreach (var user in page.Items)
            {
                Console.WriteLine($"{user.Email,-40} {string.Join(",", user.Roles),-36} {(user.IsLocked ? "locked" : "active")}");
            }

            return 0;
        }));
        return command;
    }

    private static Command SetPassword()
    {
        var email = EmailOption();
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the new password from standard input.", Required = true };
        var command = new Command("set-password", "Set a new password for a user (e.g. a forgotten one).") { email, passwordStdin };
        command.SetAction((parse, ct) =>
        {
            var password = PortalCli.ReadPassword();
            return PortalCli.WithServicesAsync(async services =>
            {
                var result = await services.GetRequiredService<SetPasswordHandler>().HandleAsync(new SetPasswordRequest(parse.GetValue(email)!, password), Actor.Operator, ct);
                if (!result.Succeeded)
                {
                    return PortalCli.Fail(result.Problem!);
                }

                Console.Error.WriteLine($"Password of {parse.GetValue(email)} changed; their open sessions end within a minute.");
                return 0;
            });
        });
        return command;
    }

    private static Command Lock(string verb, bool locked)
    {
        var email = EmailOption();
        var command = new Command(verb, locked ? "Lock a user: no sign-in, no API access." : "Unlock a user.") { email };
        command.SetAction((parse, ct) => PortalCli.WithServicesAsync(async services =>
        {
            var user = await services.GetRequiredService<GetUserHandler>().HandleAsync(parse.GetValue(email)!, ct);
            if (!user.Succeeded)
            {
                return PortalCli.Fail(user.Problem!);
            }

            var result = await services.GetRequiredService<SetUserLockHandler>().HandleAsync(new SetUserLockRequest(user.Value!.Id, locked), Actor.Operator, ct);
            if (!result.Succeeded)
            {
                return PortalCli.Fail(result.Problem!);
            }

            Console.Error.WriteLine($"{result.Value!.Email} is {(locked ? "locked" : "unlocked")}.");
            return 0;
        }));
        return command;
    }

    private static Command RevokeToken()
    {
        var id = new Option<long>("--id") { Description = "The token id (see the Access tokens page or GET /api/admin/tokens).", Required = true };
        var command = new Command("revoke-token", "Revoke an access token.") { id };
        command.SetAction((parse, ct) => PortalCli.WithServicesAsync(async services =>
        {
            var result = await services.GetRequiredService<RevokeAccessTokenHandler>().HandleAsync(parse.GetValue(id), Actor.Operator, ct);
            if (!result.Succeeded)
            {
                return PortalCli.Fail(result.Problem!);
            }

            Console.Error.WriteLine($"Token {result.Value!.Id} (“{result.Value.Name}” of {result.Value.UserEmail}) is revoked.");
            return 0;
        }));
        return command;
    }
}
