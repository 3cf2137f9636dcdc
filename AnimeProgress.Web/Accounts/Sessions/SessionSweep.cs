using AnimeProgress.Core.Persistence;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// The one timer that keeps open circuits and sockets honest (issue 14 item 8): every
/// <see cref="AccountOptions.RevalidationInterval"/> it reads the distinct accounts and keys behind
/// <see cref="OpenSessions"/> (a constant number of queries, <see cref="SessionStateReader"/>) and ends only the
/// sessions whose sign-out, role, lockout, deletion, revocation or expiry it finds. No timer or query per viewer.
/// The first start's local Admin sessions end once the first account or key exists.
/// </summary>
public sealed partial class SessionSweep(
    OpenSessions sessions,
    SessionStateReader reader,
    AccountPresence presence,
    RecentAccountChanges changes,
    IOptions<AccountOptions> options,
    TimeProvider time,
    ILogger<SessionSweep> logger) : BackgroundService
{
    private long _sweeps;

    /// <summary>Sweeps finished since start (tests wait on it rather than sleep).</summary>
    public long Sweeps => Interlocked.Read(ref _sweeps);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevalidationInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepOnceAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // Sessions stay as they are until the database answers again; the next tick retries, and nothing
                    // from here reaches the host.
                    LogSweepFailed(ex, DatabaseErrors.IsTransient(ex));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <returns>How many sessions were told to end.</returns>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var all = sessions.Snapshot();
        changes.Forget(options.Value.RevalidationInterval * 2);
        var ended = await EndFirstStartAsync(all, cancellationToken);
        var open = all.Where(s => !s.Credentials.IsFirstStart).ToList();
        if (open.Count > 0)
        {
            var userIds = open.Select(s => s.Credentials.UserId).ToHashSet(StringComparer.Ordinal);
            var keyIds = open.Select(s => s.Credentials.KeyId).OfType<long>().ToHashSet();
            var (accounts, keys) = await reader.ReadAsync(userIds, keyIds, cancellationToken);
            var now = time.GetUtcNow();
            var affected = new Dictionary<(string UserId, long? KeyId, string Reason), int>();
            foreach (var session in open)
            {
                if (SessionChecks.Reason(session.Credentials, accounts, keys, now) is not { } reason)
                {
                    continue;
                }

                session.End.End(reason);
                var group = (session.Credentials.UserId, session.Credentials.KeyId, reason);
                affected[group] = affected.GetValueOrDefault(group) + 1;
                ended++;
            }

            // One line per account or key, not per viewer.
            foreach (var ((userId, keyId, reason), count) in affected)
            {
                if (keyId is null)
                {
                    changes.Changed(userId);
                }

                LogEnding(count, userId, keyId, reason);
            }
        }

        Interlocked.Increment(ref _sweeps);
        return ended;
    }

    /// <summary>
    /// A dashboard opened on the first start was Admin only because no account existed: once one does (made on the users
    /// page or by the CLI in another process), it must sign in like everyone else. The presence check is cached, so this
    /// asks the database at most once every few seconds, and never again once an account exists.
    /// </summary>
    private async Task<int> EndFirstStartAsync(IReadOnlyCollection<OpenSessions.Entry> open, CancellationToken cancellationToken)
    {
        var firstStart = open.Where(s => s.Credentials.IsFirstStart).ToList();
        if (firstStart.Count == 0 || await presence.IsFirstStartAsync(cancellationToken))
        {
            return 0;
        }

        foreach (var session in firstStart)
        {
            session.End.End(SessionChecks.FirstStartOver);
        }

        LogFirstStartOver(firstStart.Count);
        return firstStart.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ending {Count} open sessions of the first start's local Admin: an account now exists")]
    private partial void LogFirstStartOver(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the open sessions' accounts and keys (transient: {Transient}); trying again at the next sweep")]
    private partial void LogSweepFailed(Exception ex, bool transient);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ending {Count} open sessions of account {UserId} (key {KeyId}): {Reason}")]
    private partial void LogEnding(int count, string userId, long? keyId, string reason);
}
