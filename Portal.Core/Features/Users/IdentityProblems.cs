using Microsoft.AspNetCore.Identity;
using Portal.Core.Common;

namespace Portal.Core.Features.Users;

/// <summary>Turns Identity's error codes into field-level problems a form can show next to the right input.</summary>
internal static class IdentityProblems
{
    public static Problem From(IdentityResult result)
    {
        var validation = new Validation();
        foreach (var error in result.Errors)
        {
            var field = error.Code switch
            {
                var c when c.StartsWith("Password", StringComparison.Ordinal) => "password",
                "DuplicateUserName" or "DuplicateEmail" or "InvalidEmail" or "InvalidUserName" => "email",
                _ => "",
            };
            var message = error.Code is "DuplicateUserName" or "DuplicateEmail"
                ? "A user with this email already exists."
                : error.Description;
            validation.Add(field, message);
        }

        return validation.ToProblem();
    }
}
