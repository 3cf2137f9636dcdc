using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Api.Access;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Whether any account or key exists yet: until one does, the app is on its first start (<see cref="FirstStartAccess"/>).
/// The fact only ever goes from false to true, so once true it is never asked again. While false, the database is
/// asked at most once every <see cref="RecheckInterval"/> (not per request): an account made by the <c>users add</c>
/// command in another process is seen within that time. A configured access token counts as a key from the start.
/// </summary>
public sealed partial class AccountPresence(
    IDbContextFactory<AnimeProgressDbContext> contexts, AccessTokens tokens, TimeProvider time, ILogger<AccountPresence> logger)
{
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(2);

    private volatile bool _usersExist;
    private long _nextCheck = long.MinValue;

    /// <summary>True while no account and no key exists: loopback is Admin without signing in.</summary>
    public async ValueTask<bool> IsFirstStartAsync(CancellationToken cancellationToken) =>
        !tokens.Required && !await UsersExistAsync(cancellationToken);

    /// <summary>Whether any account exists (the sign-in page then shows its form rather than how to create one).</summary>
    public async ValueTask<bool> UsersExistAsync(CancellationToken cancellationToken)
    {
        if (_usersExist)
        {
            return true;
        }

        var now = time.GetTimestamp();
        var due = Interlocked.Read(ref _nextCheck);
        // One request asks; the others meanwhile go on with what is known.
        if (now < due || Interlocked.CompareExchange(ref _nextCheck, now + (long)(RecheckInterval.TotalSeconds * time.TimestampFrequency), due) != due)
        {
            return false;
        }

        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (await db.Users.AnyAsync(cancellationToken))
            {
                MarkUsersExist();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The request went away; the next one asks again.
            Interlocked.Exchange(ref _nextCheck, long.MinValue);
        }
        catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
        {
            // What was known stands (no account): only loopback is let in as Admin meanwhile, as before the outage.
            LogCheckFailed(ex);
        }

        return _usersExist;
    }

    /// <summary>Called when this process creates an account, so the change needs no wait.</summary>
    public void MarkUsersExist() => _usersExist = true;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check whether any account exists yet; asking again in a moment")]
    private partial void LogCheckFailed(Exception ex);
}
