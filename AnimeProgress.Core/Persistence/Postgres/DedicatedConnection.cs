using System.Data.Common;
using AnimeProgress.Core.Resilience;
using Npgsql;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// Keeps one long-lived session on a connection of its own (a LISTEN, a session-level lock): opens it, runs the
/// session until the connection fails, then opens a new one after a <see cref="ReconnectBackoff"/> delay measured
/// on the <see cref="TimeProvider"/>. The attempt count starts again once a session is set up.
/// </summary>
public sealed class DedicatedConnection<TConnection>(
    Func<TConnection> create,
    ReconnectBackoff backoff,
    TimeProvider time)
    where TConnection : DbConnection
{
    /// <summary>How many times a session was set up (the connection opened and <c>setUp</c> succeeded).</summary>
    public long Sessions => Interlocked.Read(ref _sessions);

    private long _sessions;

    /// <param name="setUp">Runs on every fresh connection (LISTEN, session settings); a failure here counts as a failed attempt.</param>
    /// <param name="hold">The session itself; returns or throws when the connection is no longer usable.</param>
    /// <param name="lost">Told about each transient failure before the pause, and whether a set-up session was lost (rather than an attempt failing).</param>
    /// <returns>When <paramref name="cancellationToken"/> is cancelled; never throws on cancellation.</returns>
    public async Task RunAsync(
        Func<TConnection, CancellationToken, Task> setUp,
        Func<TConnection, CancellationToken, Task> hold,
        Action<Exception, bool> lost,
        CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var established = false;
            try
            {
                await using var connection = create();
                await connection.OpenAsync(cancellationToken);
                await setUp(connection, cancellationToken);
                attempt = 0;
                established = true;
                Interlocked.Increment(ref _sessions);
                await hold(connection, cancellationToken);
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (DatabaseErrors.IsTransient(ex))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                lost(ex, established);
            }

            try
            {
                await Task.Delay(backoff.DelayFor(attempt++), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
