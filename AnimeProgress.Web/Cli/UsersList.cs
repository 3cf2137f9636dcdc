using System.Globalization;
using AnimeProgress.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Cli;

/// <summary><c>users list</c>: every account with its role and, while it lasts, its lockout. Never a password hash.</summary>
internal static class UsersList
{
    public static Task<int> RunAsync(IReadOnlyList<string> configuration, TextWriter output, CancellationToken cancellationToken) =>
        UsersDatabase.UseAsync(configuration, async (services, description) =>
        {
            var db = services.GetRequiredService<AnimeProgressDbContext>();
            var time = services.GetRequiredService<TimeProvider>();
            var accounts = await db.Users.AsNoTracking()
                .OrderBy(u => u.NormalizedUserName)
                .Select(u => new
                {
                    u.UserName,
                    u.LockoutEnd,
                    Roles = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name).ToList(),
                })
                .ToListAsync(cancellationToken);

            await output.WriteLineAsync($"Accounts in {description}: {accounts.Count}");
            if (accounts.Count == 0)
            {
                await output.WriteLineAsync("None yet: add the first with  users add NAME --role Admin");
                return 0;
            }

            var width = Math.Max(4, accounts.Max(a => a.UserName?.Length ?? 0));
            await output.WriteLineAsync($"{"NAME".PadRight(width)}  {"ROLE",-8}  LOCKED UNTIL (UTC)");
            var now = time.GetUtcNow();
            foreach (var account in accounts)
            {
                var role = account.Roles.Count == 0 ? "(none)" : string.Join(",", account.Roles);
                var locked = account.LockoutEnd is { } end && end > now ? end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
                await output.WriteLineAsync($"{(account.UserName ?? "").PadRight(width)}  {role,-8}  {locked}");
            }

            return 0;
        }, cancellationToken);
}
