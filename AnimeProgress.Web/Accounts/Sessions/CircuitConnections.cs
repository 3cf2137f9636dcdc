using Microsoft.AspNetCore.SignalR;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// The circuits' SignalR connections, followed like the circuits: the layout of an ended circuit tells the person and
/// reloads the page, and a connection still open at the next sweep (a client that ignored it, or a page without the
/// layout) is cut. Its reconnect then meets the cookie check, which refuses it.
/// </summary>
internal sealed class CircuitConnections(OpenSessions sessions) : IHubFilter
{
    private static readonly object RegistrationKey = new();

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        await next(context);
        var caller = context.Context;
        if (sessions.Register(SessionCredentials.Of(caller.User), new Connection(caller)) is { } registration)
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

    private sealed class Connection(HubCallerContext caller) : ISessionEnd
    {
        private int _told;

        // The first sweep leaves the telling to the circuit; the next one finds the connection still open and cuts it.
        public void End(string reason)
        {
            if (Interlocked.Exchange(ref _told, 1) == 1)
            {
                caller.Abort();
            }
        }
    }
}
