using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>users add NAME --service [--role ROLE]</c>: an account for a program, with its role and no password, marked as a
/// service account (<see cref="ServiceAccounts"/>), in one transaction. It owns keys and cannot sign in.
/// </summary>
internal static class UsersAddService
{
    public static Task<int> RunAsync(string name, string role, IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        name = NewAccount.CheckedName(name);
        return NewAccount.CreateAsync(configuration, name, output, error, async (services, users, db, description) =>
        {
            var result = await ServiceAccounts.CreateAsync(users, services.GetRequiredService<RoleManager<IdentityRole>>(), name, role);
            if (!result.Succeeded)
            {
                await error.WriteLineAsync($"users add: cannot create the service account '{name}'; nothing was changed:");
                foreach (var problem in result.Errors)
                {
                    await error.WriteLineAsync("  " + problem.Description);
                }

                return null;
            }

            await CliAudit.AddAsync(db, services.GetRequiredService<TimeProvider>(), Audit.AuditActions.UserCreate, name, "service account, role " + role, cancellationToken);
            return $"Added the service account '{name}' ({role}) to {description}: it cannot sign in; give it keys with  keys add {name} --scope read";
        }, cancellationToken);
    }
}
