using Microsoft.AspNetCore.SignalR;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// The circuits' SignalR connections, followed like the circuits: the layout of an ended circuit tells the person and
/// reloads the page, and a connection still open at a sweep <see cref="Grace"/> later (a client that ignored it, or a
/// page without the layout) is cut. Its reconnect then meets the cookie check, which refuses it.
/// </summary>
internal sealed class CircuitConnections(OpenSessions sessions, TimeProvider time) : IHubFilter
{
    /// <summary>
    /// Longer than the layout waits before it reloads (two seconds, to let the reason be read): cut earlier, the reload
    /// command would never reach the browser, which would be left on a dead page instead of the sign-in page.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private static readonly object RegistrationKey = new();

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        await next(context);
        var caller = context.Context;
        if (sessions.Register(SessionCredentials.Of(caller.User), new Connection(caller, time)) is { } registration)
        {
            caller.Items[RegistrationKey] = registration;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Context.Items.Remove(RegistrationKey, out var registration))
        {
            (registration as IDisposable)?.Dispose();
        }

        await next(context, exception);
    }

    private sealed class Connection(HubCallerContext caller, TimeProvider time) : ISessionEnd
    {
        private long _toldAt;

        // The first sweep leaves the telling to the circuit; a sweep at least the grace later finds the connection
        // still open and cuts it.
        public void End(string reason)
        {
            var now = Math.Max(1, time.GetTimestamp());
            var told = Interlocked.CompareExchange(ref _toldAt, now, 0);
            if (told != 0 && time.GetElapsedTime(told, now) >= Grace)
            {
                caller.Abort();
            }
        }
    }
}
