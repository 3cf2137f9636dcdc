using System.Globalization;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Cli;

/// <summary><c>keys list [USER]</c>: every key (or USER's) with its prefix, owner, scopes, state and dates. Never a secret or a hash.</summary>
internal static class KeysList
{
    public static Task<int> RunAsync(string? userName, IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        UsersDatabase.UseAsync(configuration, async (services, description) =>
        {
            string? ownerId = null;
            if (userName is not null)
            {
                var users = services.GetRequiredService<UserManager<IdentityUser>>();
                if (await users.FindByNameAsync(userName.Trim()) is not { } owner)
                {
                    await error.WriteLineAsync($"keys list: {description} has no account named '{userName}'.");
                    return 1;
                }

                ownerId = owner.Id;
            }

            var keys = await KeysAdd.Store(services).ListAsync(ownerId, cancellationToken);
            await output.WriteLineAsync($"API keys in {description}{(userName is null ? "" : $" of {userName}")}: {keys.Count}");
            if (keys.Count == 0)
            {
                await output.WriteLineAsync("None yet: make one with  keys add USER --scope read");
                return 0;
            }

            var owners = Math.Max(5, keys.Max(k => k.OwnerName.Length));
            var names = Math.Max(4, keys.Max(k => k.Name.Length));
            await output.WriteLineAsync($"{"ID",6}  {"PREFIX",-15}  {"OWNER".PadRight(owners)}  {"NAME".PadRight(names)}  {"SCOPES",-19}  {"STATE",-7}  {"CREATED (UTC)",-16}  {"EXPIRES (UTC)",-16}  LAST USED (UTC)");
            foreach (var key in keys)
            {
                await output.WriteLineAsync(
                    $"{key.Id,6}  {key.Prefix,-15}  {key.OwnerName.PadRight(owners)}  {key.Name.PadRight(names)}  {ApiScopes.Format(key.Scopes),-19}  {key.State,-7}  {Time(key.CreatedAt),-16}  {Time(key.ExpiresAt),-16}  {Time(key.LastUsedAt)}");
            }

            return 0;
        }, cancellationToken);

    private static string Time(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";
}
