using AnimeProgress.Web.Audit;
using Microsoft.AspNetCore.Identity;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Checks a name and password with Identity (its password hasher, lockout after repeated failures) and signs in with
/// the Identity cookie. Every failure looks the same from outside: one answer, and about the same time, whether the
/// name is unknown, the password wrong or the account locked, so the page never tells which names exist.
/// Every attempt is audited (<c>signin</c> / <c>signin.failed</c>); the password never is, nor a name no account has
/// (people type their password into the name field).
/// </summary>
internal sealed partial class PasswordSignIn(
    SignInManager<IdentityUser> signIn, IPasswordHasher<IdentityUser> hasher, AuditLog audit, ILogger<PasswordSignIn> logger)
{
    // A hash of nothing anyone types, verified when no real check runs, so that answer takes as long as a real one.
    private static readonly IdentityUser Nobody = new("nobody");
    private static readonly Lazy<string> StandInHash = new(() => new PasswordHasher<IdentityUser>().HashPassword(Nobody, Guid.NewGuid().ToString("N")));

    public async Task<bool> SignInAsync(string? userName, string? password, string? from)
    {
        userName = userName?.Trim() ?? "";
        password ??= "";
        var user = userName.Length is > 0 and <= 256 ? await signIn.UserManager.FindByNameAsync(userName) : null;
        if (user is null)
        {
            SpendAsLongAsACheck(password);
            LogUnknownName(from);
            await audit.WriteAsync(new AuditEntry(AuditActor.Anonymous, AuditActions.SignInFailed, AuditOutcomes.Refused, Detail: "no account has the name given", ClientAddress: from));
            return false;
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            LogSignedIn(user.UserName, from);
            await audit.WriteAsync(new AuditEntry(AuditActor.Account(user.Id, user.UserName), AuditActions.SignIn, AuditOutcomes.Ok, user.UserName, "password", from));
            return true;
        }

        if (result.IsLockedOut)
        {
            // A locked account is refused before its password is checked: check one anyway, for the time it takes.
            SpendAsLongAsACheck(password);
            LogLockedOut(user.UserName, from);
        }
        else
        {
            LogWrongPassword(user.UserName, from);
        }

        var why = result.IsLockedOut ? "the account is locked after repeated wrong passwords" : "wrong password";
        await audit.WriteAsync(new AuditEntry(AuditActor.Account(user.Id, user.UserName), AuditActions.SignInFailed, AuditOutcomes.Refused, user.UserName, why, from));

        return false;
    }

    private void SpendAsLongAsACheck(string password)
    {
        _ = hasher.VerifyHashedPassword(Nobody, StandInHash.Value, password);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{UserName} signed in from {RemoteAddress}")]
    private partial void LogSignedIn(string? userName, string? remoteAddress);

    // The name typed is not logged: people type their password into the name field.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused from {RemoteAddress}: no account has the name given")]
    private partial void LogUnknownName(string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for {UserName} from {RemoteAddress}: wrong password")]
    private partial void LogWrongPassword(string? userName, string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for {UserName} from {RemoteAddress}: the account is locked after repeated wrong passwords")]
    private partial void LogLockedOut(string? userName, string? remoteAddress);
}
