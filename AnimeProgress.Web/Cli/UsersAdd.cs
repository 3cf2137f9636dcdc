using AnimeProgress.Web.Accounts;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>users add NAME --role ROLE</c>: one account with one role, in one transaction (never an account without its
/// role). The password goes through Identity's validators (the length in <c>AnimeProgress:Accounts:MinPasswordLength</c>)
/// and is stored only as Identity's hash. A running dashboard notices the first account within seconds and from then
/// on asks everyone, this machine too, to sign in.
/// </summary>
internal static class UsersAdd
{
    public static async Task<int> RunAsync(
        string name, string role, IReadOnlyList<string> configuration, PasswordPrompt passwords, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        name = NewAccount.CheckedName(name);

        // The password before the database: a prompt must not wait on a slow connection, and a bad setting still fails first below.
        var password = await passwords.ReadAsync(name, error, cancellationToken);
        if (string.IsNullOrEmpty(password))
        {
            await error.WriteLineAsync("users add: no password was given (type it when asked, or send it as the first line of standard input); nothing was changed.");
            return 1;
        }

        return await NewAccount.CreateAsync(configuration, name, output, error, async (services, users, db, description) =>
        {
            var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
            // The roles exist from the first account that needs them on, so a fresh database needs no seeding step.
            if (!await roles.RoleExistsAsync(role) && await Refused(await roles.CreateAsync(new IdentityRole(role)), $"the role {role}", error))
            {
                return null;
            }

            var user = new IdentityUser(name);
            if (await Refused(await users.CreateAsync(user, password), $"the account '{name}'", error)
                || await Refused(await users.AddToRoleAsync(user, role), $"the role {role} for '{name}'", error))
            {
                return null;
            }

            await CliAudit.AddAsync(db, services.GetRequiredService<TimeProvider>(), Audit.AuditActions.UserCreate, name, "role " + role, cancellationToken);
            return $"Added the account '{name}' ({role}) to {description}.";
        }, cancellationToken);
    }

    /// <summary>Prints why Identity refused, in its own words, with the setting that decides password length.</summary>
    private static async Task<bool> Refused(IdentityResult result, string what, TextWriter error)
    {
        if (result.Succeeded)
        {
            return false;
        }

        await error.WriteLineAsync($"users add: cannot create {what}; nothing was changed:");
        foreach (var problem in result.Errors)
        {
            var setting = problem.Code == nameof(IdentityErrorDescriber.PasswordTooShort) ? $" (set by {AccountOptions.Section}:{nameof(AccountOptions.MinPasswordLength)})" : "";
            await error.WriteLineAsync($"  {problem.Description}{setting}");
        }

        return true;
    }
}
