using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace AnimeProgress.Web.Accounts.Sessions;

/// <summary>
/// One per circuit (scoped): registers the circuit with <see cref="OpenSessions"/> when it opens, with the account,
/// stamp and roles it was connected with, and leaves when it closes. When the sweep ends it, the circuit becomes
/// anonymous at once (so every permission check in it refuses from then on, whatever the page still shows) and
/// <see cref="Ended"/> tells the layout, which says so and reloads the page to let the cookie decide.
/// </summary>
public sealed class CircuitSession(
    OpenSessions sessions, AuthenticationStateProvider authentication) : CircuitHandler, ISessionEnd, IDisposable
{
    private IDisposable? _registration;
    private int _ended;

    /// <summary>Raised once, on the sweep's thread: handlers must dispatch to their renderer.</summary>
    public event Action<string>? Ended;

    /// <summary>Why the circuit was ended, or null while it may stay.</summary>
    public string? Reason { get; private set; }

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        _registration = sessions.Register(SessionCredentials.Of(state.User), this);
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void End(string reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return;
        }

        Reason = reason;
        // Refused server-side from here on: the policies see nobody, whatever buttons are still on screen.
        if (authentication is IHostEnvironmentAuthenticationStateProvider host)
        {
            host.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        }

        Ended?.Invoke(reason);
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _registration, null)?.Dispose();
    }
}
