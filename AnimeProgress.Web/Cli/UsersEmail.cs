using AnimeProgress.Core.Persistence;
using Microsoft.AspNetCore.Identity;
using MimeKit;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// <c>users email NAME ADDRESS</c> and <c>users email NAME --clear</c>: an account's e-mail address, set by whoever runs
/// the server (an Admin), never by the person on a page: "my jobs" e-mail goes only to this address, so nobody can make
/// the app mail an address of their choosing. A single sign-on account's address is set again from the provider at
/// each sign-in.
/// </summary>
internal static class UsersEmail
{
    public static async Task<int> RunAsync(string name, string? address, IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        address = address?.Trim();
        if (address is not null && !IsOneAddress(address))
        {
            throw new JobsUsageException($"'{address}' is not one e-mail address (name@host)");
        }

        return await UsersDatabase.UseAsync(configuration, async (services, description) =>
        {
            var users = services.GetRequiredService<UserManager<IdentityUser>>();
            if (await users.FindByNameAsync(name.Trim()) is not { } user)
            {
                await error.WriteLineAsync($"users email: {description} has no account named '{name.Trim()}'; nothing was changed.");
                return 1;
            }

            var db = services.GetRequiredService<AnimeProgressDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Not UserManager.SetEmailAsync: it renews the security stamp, which would sign the person out everywhere.
            user.Email = address;
            user.NormalizedEmail = users.NormalizeEmail(address);
            user.EmailConfirmed = address is not null;
            var result = await users.UpdateAsync(user);
            if (!result.Succeeded)
            {
                await error.WriteLineAsync($"users email: cannot set the address of '{user.UserName}'; nothing was changed: {string.Join(" ", result.Errors.Select(e => e.Description))}");
                return 1;
            }

            await CliAudit.AddAsync(db, services.GetRequiredService<TimeProvider>(), Audit.AuditActions.UserEmail, user.UserName, address is null ? "e-mail address removed" : "e-mail address " + address, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await output.WriteLineAsync(address is null ? $"Removed the e-mail address of '{user.UserName}' in {description}." : $"Set the e-mail address of '{user.UserName}' to {address} in {description}.");
            return 0;
        }, cancellationToken);
    }

    /// <summary>A bare address (no display name, no list): "my jobs" mail must reach exactly one mailbox.</summary>
    private static bool IsOneAddress(string text) =>
        text.IndexOfAny([',', ';', ' ', '<']) < 0 && MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address == text && text.IndexOf('@', StringComparison.Ordinal) > 0;
}
