using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.SingleSignOn;

/// <summary>
/// Turns a provider's sign-in into the app's own: the local Identity account linked to the provider's subject (made
/// on the first sign-in, through Identity's external-login store), its role set from the provider's groups on every
/// sign-in, then the app cookie. An account is never linked by name or e-mail: whoever holds an identity called "ada"
/// at the provider does not become the local password account "ada". An account locked here stays out.
/// </summary>
internal sealed partial class SingleSignOnAccounts(
    UserManager<IdentityUser> users,
    RoleManager<IdentityRole> roles,
    SignInManager<IdentityUser> signIn,
    AccountPresence presence,
    IOptions<OidcOptions> options,
    Audit.AuditLog audit,
    ILogger<SingleSignOnAccounts> logger)
{
    /// <summary>The provider's name in <c>AspNetUserLogins</c>.</summary>
    public const string LoginProvider = SingleSignOnRegistration.Scheme;

    public const string SubjectClaim = "sub";

    /// <summary>Where a new account's name comes from, in order (standard ID-token claims).</summary>
    private static readonly string[] NameClaims = ["preferred_username", "email", "name"];

    /// <summary>Signs in the account of <paramref name="external"/>; false (logged) when it may not.</summary>
    public async Task<bool> SignInAsync(ClaimsPrincipal external, string? from)
    {
        var subject = external.FindFirst(SubjectClaim)?.Value;
        if (string.IsNullOrEmpty(subject) || subject.Length > 256)
        {
            LogNoSubject(from);
            await audit.WriteAsync(new Audit.AuditEntry(Audit.AuditActor.Anonymous, Audit.AuditActions.SignInFailed, Audit.AuditOutcomes.Refused, Detail: "single sign-on: the ID token has no subject", ClientAddress: from));
            return false;
        }

        var role = RoleMapping.RoleOf(external, options.Value);
        var user = await users.FindByLoginAsync(LoginProvider, subject) ?? await CreateAsync(external, subject, from);
        if (user is null)
        {
            return false;
        }

        if (await users.IsLockedOutAsync(user))
        {
            LogLockedOut(user.UserName, from);
            await audit.WriteAsync(new Audit.AuditEntry(Audit.AuditActor.Account(user.Id, user.UserName), Audit.AuditActions.SignInFailed, Audit.AuditOutcomes.Refused, user.UserName, "single sign-on: the account is locked", from));
            return false;
        }

        if (!await ApplyRoleAsync(user, role))
        {
            return false;
        }

        await ApplyEmailAsync(user, external);

        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: LoginProvider);
        presence.MarkUsersExist();
        await audit.WriteAsync(new Audit.AuditEntry(Audit.AuditActor.Account(user.Id, user.UserName), Audit.AuditActions.SignIn, Audit.AuditOutcomes.Ok, user.UserName, "single sign-on as " + (role ?? "no role"), from));
        if (role is null)
        {
            LogSignedInWithoutRole(user.UserName, from, options.Value.RoleClaim);
        }
        else
        {
            LogSignedIn(user.UserName, role, from);
        }

        return true;
    }

    private async Task<IdentityUser?> CreateAsync(ClaimsPrincipal external, string subject, string? from)
    {
        var user = new IdentityUser(await FreeNameAsync(external, subject));
        var created = await users.CreateAsync(user);
        var linked = created.Succeeded ? await users.AddLoginAsync(user, new UserLoginInfo(LoginProvider, subject, options.Value.DisplayName)) : created;
        if (!linked.Succeeded)
        {
            // Two first sign-ins of one person at once: the other made the account; use it.
            if (created.Succeeded)
            {
                await users.DeleteAsync(user);
            }

            var existing = await users.FindByLoginAsync(LoginProvider, subject);
            if (existing is null)
            {
                LogNotCreated(from, string.Join(" ", linked.Errors.Select(e => e.Description)));
            }

            return existing;
        }

        LogCreated(user.UserName, from);
        return user;
    }

    /// <summary>The provider's user name where it is free and valid here, else it with a number.</summary>
    private async Task<string> FreeNameAsync(ClaimsPrincipal external, string subject)
    {
        var allowed = users.Options.User.AllowedUserNameCharacters;
        var wanted = NameClaims
            .Select(type => external.FindFirst(type)?.Value)
            .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? "sso-" + subject;
        var name = new string([.. wanted.Where(c => string.IsNullOrEmpty(allowed) || allowed.Contains(c, StringComparison.Ordinal)).Take(64)]);
        if (name.Length == 0)
        {
            name = "sso-user";
        }

        var candidate = name;
        for (var n = 2; await users.FindByNameAsync(candidate) is not null; n++)
        {
            candidate = $"{name}-{n}";
        }

        return candidate;
    }

    /// <summary>The provider decides the role of its accounts: whatever it says now replaces what the account had.</summary>
    private async Task<bool> ApplyRoleAsync(IdentityUser user, string? role)
    {
        var current = await users.GetRolesAsync(user);
        var stale = current.Where(r => r != role).ToList();
        if (stale.Count > 0 && !Succeeded(await users.RemoveFromRolesAsync(user, stale), user))
        {
            return false;
        }

        if (role is null || current.Contains(role))
        {
            return true;
        }

        if (!await roles.RoleExistsAsync(role))
        {
            var made = await roles.CreateAsync(new IdentityRole(role));
            // Another sign-in may have made it meanwhile.
            if (!made.Succeeded && !await roles.RoleExistsAsync(role))
            {
                return Succeeded(made, user);
            }
        }

        return Succeeded(await users.AddToRoleAsync(user, role), user);
    }

    /// <summary>
    /// The provider's <c>email</c> claim (asked for with the <c>email</c> scope) becomes the account's address, where its
    /// "my jobs" e-mail goes, again at every sign-in like the role; one the provider marks unverified is not taken, and
    /// without the claim the address stays as it was (an Admin may have set it with <c>users email</c>).
    /// </summary>
    private async Task ApplyEmailAsync(IdentityUser user, ClaimsPrincipal external)
    {
        var claimed = external.FindFirst("email")?.Value?.Trim();
        if (string.IsNullOrEmpty(claimed) || claimed.Length > 256 || claimed.IndexOfAny([',', ';', ' ']) >= 0
            || string.Equals(external.FindFirst("email_verified")?.Value, "false", StringComparison.OrdinalIgnoreCase)
            || string.Equals(user.Email, claimed, StringComparison.Ordinal))
        {
            return;
        }

        // A refusal is logged and leaves the old address; it does not stop the sign-in.
        // Not UserManager.SetEmailAsync: it renews the security stamp, ending the account's other sessions for a new address.
        user.Email = claimed;
        user.NormalizedEmail = users.NormalizeEmail(claimed);
        user.EmailConfirmed = true;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded)
        {
            LogEmailNotApplied(user.UserName, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    private bool Succeeded(IdentityResult result, IdentityUser user)
    {
        if (!result.Succeeded)
        {
            LogRoleNotApplied(user.UserName, string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        return result.Succeeded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{UserName} signed in with single sign-on as {Role} from {RemoteAddress}")]
    private partial void LogSignedIn(string? userName, string role, string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{UserName} signed in with single sign-on from {RemoteAddress} without a role: no value of the {RoleClaim} claim is mapped to one")]
    private partial void LogSignedInWithoutRole(string? userName, string? remoteAddress, string roleClaim);

    [LoggerMessage(Level = LogLevel.Information, Message = "Single sign-on made the account {UserName} on its first sign-in from {RemoteAddress}")]
    private partial void LogCreated(string? userName, string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Single sign-on refused from {RemoteAddress}: the ID token has no subject")]
    private partial void LogNoSubject(string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Single sign-on refused for {UserName} from {RemoteAddress}: the account is locked")]
    private partial void LogLockedOut(string? userName, string? remoteAddress);

    [LoggerMessage(Level = LogLevel.Error, Message = "Single sign-on could not make an account for a sign-in from {RemoteAddress}: {Reason}")]
    private partial void LogNotCreated(string? remoteAddress, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Single sign-on could not set the e-mail address of {UserName}: {Reason}")]
    private partial void LogEmailNotApplied(string? userName, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Single sign-on could not set the role of {UserName}: {Reason}")]
    private partial void LogRoleNotApplied(string? userName, string reason);
}
