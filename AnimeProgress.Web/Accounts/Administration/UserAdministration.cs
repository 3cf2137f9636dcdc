using System.Security.Claims;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Accounts.Sessions;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Keys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Accounts.Administration;

/// <summary>
/// What the users page (/admin/users) may do, checked here on the server for whoever asks, never by what the page
/// shows: list accounts, change a role, disable or enable an account, create one. Only an Admin may, and an Admin who
/// is a signed-in account is read again from the database for every call (role, lock, sign-in stamp), so a page left
/// open by someone demoted, disabled or signed out elsewhere cannot act even before the session sweep ends it. The
/// first start's local Admin may act only while it is still the first start. A refused call throws
/// <see cref="UnauthorizedAccessException"/>, is audited as refused and changes nothing; a change that would leave no
/// enabled Admin throws <see cref="InvalidOperationException"/>. Every change is audited and signalled to
/// <see cref="RecentAccountChanges"/>, so the affected account's open circuits and sockets follow within the sweep.
/// Each call uses its own scope (and database context): the page's circuit lives for hours, a context must not.
/// </summary>
public sealed partial class UserAdministration(
    IServiceScopeFactory scopes,
    IAuthorizationService authorization,
    AccountPresence presence,
    RecentAccountChanges changes,
    AuditLog audit,
    TimeProvider time,
    ILogger<UserAdministration> logger)
{
    /// <summary>Whether <paramref name="user"/> may use the page at all (the same check every action makes).</summary>
    public async Task<bool> MayAdministerAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var scope = scopes.CreateAsyncScope();
        return await RefusalAsync(user, scope.ServiceProvider, cancellationToken) is null;
    }

    /// <summary>Every account, people and service accounts, by name.</summary>
    public async Task<IReadOnlyList<AccountListing>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await DemandAsync(user, scope.ServiceProvider, null, null, cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<AnimeProgressDbContext>();
        var accounts = await db.Users.AsNoTracking()
            .OrderBy(u => u.NormalizedUserName)
            .Select(u => new { u.Id, u.UserName, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        var roles = (await db.UserRoles.AsNoTracking()
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
                .ToListAsync(cancellationToken))
            .ToLookup(r => r.UserId, r => r.Name, StringComparer.Ordinal);
        var services = (await db.UserClaims.AsNoTracking()
                .Where(c => c.ClaimType == ServiceAccounts.ClaimType)
                .Select(c => c.UserId)
                .ToListAsync(cancellationToken))
            .ToHashSet(StringComparer.Ordinal);
        var linked = (await db.UserLogins.AsNoTracking().Select(l => l.UserId).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        return
        [
            .. accounts.Select(a => new AccountListing(
                a.Id,
                a.UserName ?? a.Id,
                services.Contains(a.Id) ? AccountKind.Service : linked.Contains(a.Id) ? AccountKind.SingleSignOn : AccountKind.Person,
                HighestRole(roles[a.Id]),
                DisabledAccounts.IsDisabled(a.LockoutEnd),
                DisabledAccounts.IsLockedOut(a.LockoutEnd, now) ? a.LockoutEnd : null)),
        ];
    }

    /// <summary>Gives the account <paramref name="role"/> in place of the one it had.</summary>
    public async Task SetRoleAsync(ClaimsPrincipal user, string userId, string role, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await DemandAsync(user, services, AuditActions.UserRole, clientAddress, cancellationToken);
        var newRole = AppRoles.Parse(role) ?? throw new ArgumentException($"The role must be one of {string.Join(", ", AppRoles.All)}.", nameof(role));
        var users = services.GetRequiredService<UserManager<IdentityUser>>();
        var target = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("That account no longer exists.");
        var current = await users.GetRolesAsync(target);
        if (current.Count == 1 && current[0] == newRole)
        {
            return;
        }

        if (newRole != AppRoles.Admin && current.Contains(AppRoles.Admin) && !DisabledAccounts.IsDisabled(target))
        {
            await KeepAnAdminAsync(user, services, target, AuditActions.UserRole, clientAddress, cancellationToken);
        }

        var db = services.GetRequiredService<AnimeProgressDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var roleManager = services.GetRequiredService<RoleManager<IdentityRole>>();
            if (!await roleManager.RoleExistsAsync(newRole))
            {
                Check(await roleManager.CreateAsync(new IdentityRole(newRole)));
            }

            if (current.Count > 0)
            {
                Check(await users.RemoveFromRolesAsync(target, current));
            }

            Check(await users.AddToRoleAsync(target, newRole));
            await transaction.CommitAsync(cancellationToken);
        }

        changes.Changed(target.Id);
        var from = current.Count == 0 ? "no role" : string.Join(",", current);
        var sso = await users.GetLoginsAsync(target) is { Count: > 0 } ? "; single sign-on sets it again at the account's next sign-in" : "";
        LogRoleChanged(user.Identity?.Name, target.UserName, from, newRole);
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), AuditActions.UserRole, AuditOutcomes.Ok, target.UserName, $"{from} -> {newRole}{sso}", clientAddress));
    }

    /// <summary>
    /// Disables the account (its sign-ins, cookies, open pages and API keys end; see <see cref="DisabledAccounts"/>), or
    /// enables it again (which also lifts a lockout after wrong passwords).
    /// </summary>
    public async Task SetDisabledAsync(ClaimsPrincipal user, string userId, bool disabled, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var action = disabled ? AuditActions.UserDisable : AuditActions.UserEnable;
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await DemandAsync(user, services, action, clientAddress, cancellationToken);
        var users = services.GetRequiredService<UserManager<IdentityUser>>();
        var target = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("That account no longer exists.");
        if (disabled && !DisabledAccounts.IsDisabled(target) && await users.IsInRoleAsync(target, AppRoles.Admin))
        {
            await KeepAnAdminAsync(user, services, target, action, clientAddress, cancellationToken);
        }

        var db = services.GetRequiredService<AnimeProgressDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (disabled)
            {
                Check(await users.SetLockoutEnabledAsync(target, true));
                Check(await users.SetLockoutEndDateAsync(target, DisabledAccounts.Until));
                // A new stamp: the account's cookies stay refused after it is enabled again (sign in anew).
                Check(await users.UpdateSecurityStampAsync(target));
            }
            else
            {
                // Identity sets an end date only while lockout is on; it is set back below.
                Check(await users.SetLockoutEnabledAsync(target, true));
                Check(await users.SetLockoutEndDateAsync(target, null));
                Check(await users.ResetAccessFailedCountAsync(target));
                // Service accounts keep lockout off (ServiceAccounts: wrong passwords typed at their name must not stop their keys).
                Check(await users.SetLockoutEnabledAsync(target, !await ServiceAccounts.IsServiceAccountAsync(users, target)));
            }

            await transaction.CommitAsync(cancellationToken);
        }

        changes.Changed(target.Id);
        LogDisabledChanged(user.Identity?.Name, target.UserName, disabled ? "disabled" : "enabled");
        await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), action, AuditOutcomes.Ok, target.UserName, null, clientAddress));
    }

    /// <summary>Creates a person (with a password) or a service account, with its role, in one transaction.</summary>
    /// <exception cref="ArgumentException">The name is taken or invalid, or Identity refused the password (its words).</exception>
    public async Task<AccountListing> CreateAsync(ClaimsPrincipal user, NewUserRequest request, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await DemandAsync(user, services, AuditActions.UserCreate, clientAddress, cancellationToken);
        if (AccountNames.Problem(request.Name) is { } problem)
        {
            throw new ArgumentException(char.ToUpperInvariant(problem[0]) + problem[1..] + ".", nameof(request));
        }

        var name = request.Name.Trim();
        var role = AppRoles.Parse(request.Role) ?? throw new ArgumentException($"The role must be one of {string.Join(", ", AppRoles.All)}.", nameof(request));
        if (!request.Service && string.IsNullOrEmpty(request.Password))
        {
            throw new ArgumentException("A person's account needs a password.", nameof(request));
        }

        var users = services.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByNameAsync(name) is not null)
        {
            throw new ArgumentException($"An account named '{name}' exists already.", nameof(request));
        }

        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        var db = services.GetRequiredService<AnimeProgressDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var result = request.Service
                ? await ServiceAccounts.CreateAsync(users, roles, name, role)
                : await CreatePersonAsync(users, roles, name, role, request.Password!);
            if (!result.Succeeded)
            {
                throw new ArgumentException(string.Join(" ", result.Errors.Select(e => e.Description)), nameof(request));
            }

            await transaction.CommitAsync(cancellationToken);
        }

        presence.MarkUsersExist();
        var created = (await users.FindByNameAsync(name))!;
        var kind = request.Service ? AccountKind.Service : AccountKind.Person;
        LogCreated(user.Identity?.Name, name, role, kind);
        await audit.WriteAsync(new AuditEntry(
            AuditActor.Of(user), AuditActions.UserCreate, AuditOutcomes.Ok, name, $"role {role}" + (request.Service ? ", service account" : ""), clientAddress));
        return new AccountListing(created.Id, name, kind, role, false, null);
    }

    private static async Task<IdentityResult> CreatePersonAsync(UserManager<IdentityUser> users, RoleManager<IdentityRole> roles, string name, string role, string password)
    {
        if (!await roles.RoleExistsAsync(role) && await roles.CreateAsync(new IdentityRole(role)) is { Succeeded: false } roleFailed)
        {
            return roleFailed;
        }

        var user = new IdentityUser(name);
        var created = await users.CreateAsync(user, password);
        return created.Succeeded ? await users.AddToRoleAsync(user, role) : created;
    }

    /// <summary>Refuses a change that would leave no enabled Admin account: nobody could then manage users here (the CLI still could).</summary>
    private async Task KeepAnAdminAsync(ClaimsPrincipal user, IServiceProvider services, IdentityUser target, string action, string? clientAddress, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AnimeProgressDbContext>();
        var others = await db.UserRoles.AsNoTracking()
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .Where(x => x.Name == AppRoles.Admin && x.UserId != target.Id)
            .Join(db.Users, x => x.UserId, u => u.Id, (_, u) => u.LockoutEnd)
            .ToListAsync(cancellationToken);
        if (others.Any(end => !DisabledAccounts.IsDisabled(end)))
        {
            return;
        }

        await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), action, AuditOutcomes.Refused, target.UserName, "it is the last enabled Admin", clientAddress));
        throw new InvalidOperationException($"{target.UserName} is the last enabled Admin: make another account Admin first.");
    }

    private async Task DemandAsync(ClaimsPrincipal user, IServiceProvider services, string? action, string? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await RefusalAsync(user, services, cancellationToken) is not { } why)
        {
            return;
        }

        LogRefused(user.Identity?.Name, action ?? "list accounts", why);
        if (action is not null)
        {
            await audit.WriteAsync(new AuditEntry(AuditActor.Of(user), action, AuditOutcomes.Refused, null, "only an Admin may manage accounts: " + why, clientAddress));
        }

        throw new UnauthorizedAccessException("Only an Admin may manage accounts.");
    }

    /// <returns>Why <paramref name="user"/> may not administer accounts now, or null when it may.</returns>
    private async Task<string?> RefusalAsync(ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(user, AccessPolicies.Administer)).Succeeded)
        {
            return "not an Admin";
        }

        if (FirstStartAccess.IsFirstStart(user))
        {
            // A page opened before the first account existed keeps its principal: it may act only while that is still true.
            return await presence.IsFirstStartAsync(cancellationToken) ? null : "the first start is over";
        }

        if (ApiKeyIdentity.Of(user) is not null || !SignedIn.IsAccount(user) || user.FindFirst(ClaimTypes.NameIdentifier)?.Value is not { Length: > 0 } id)
        {
            return "not a signed-in account";
        }

        var users = services.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByIdAsync(id) is not { } account)
        {
            return "the account no longer exists";
        }

        if (account.LockoutEnd is { } end && end > time.GetUtcNow())
        {
            return "the account is locked or disabled";
        }

        if (user.FindFirst(SessionCredentials.SecurityStampClaimType)?.Value is { } stamp && !string.Equals(stamp, account.SecurityStamp, StringComparison.Ordinal))
        {
            return "signed out since";
        }

        return await users.IsInRoleAsync(account, AppRoles.Admin) ? null : "no longer an Admin";
    }

    private static string? HighestRole(IEnumerable<string?> roles)
    {
        var held = roles.OfType<string>().ToHashSet(StringComparer.Ordinal);
        return AppRoles.All.LastOrDefault(held.Contains);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} changed the role of {Account} from {From} to {To}")]
    private partial void LogRoleChanged(string? actor, string? account, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} {Change} the account {Account}")]
    private partial void LogDisabledChanged(string? actor, string? account, string change);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} created the account {Account} ({Role}, {Kind})")]
    private partial void LogCreated(string? actor, string account, string role, AccountKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Actor} was refused ({Action}): {Why}")]
    private partial void LogRefused(string? actor, string action, string why);
}
