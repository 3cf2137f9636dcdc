using System.Net.WebSockets;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// Ends a session from the server's side: a polite close queued behind what is already queued, a
/// policy close that waits (bounded) for the client's answer, or a drop when neither can work.
/// </summary>
internal sealed class SessionCloser(WebSocket socket, SessionOutbox outbox)
{
    private int _requested;

    /// <summary>Once a close is on its way nothing else is taken from the client or queued for it.</summary>
    public bool IsRequested => Volatile.Read(ref _requested) == 1;

    /// <summary>Starts a server-side close (policy violation, shutdown); the client's close reply ends the session.</summary>
    public void Request(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _requested, 1) == 1)
        {
            return;
        }

        if (!outbox.TryQueue(new Outgoing.Close(status, reason)))
        {
            // The queue is full, so the client is not reading: a polite close would never reach it.
            Abort();
        }
    }

    public void Abort() => WebSocketAbort.Quietly(socket);

    /// <summary>Sends the close and waits (bounded) for the client's answer, ignoring whatever else it sends meanwhile.</summary>
    public async Task CloseForPolicyAsync(WebSocketCloseStatus status, string reason, byte[] buffer, CancellationToken cancellationToken)
    {
        Request(status, reason);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SessionOutbox.CloseHandshakeTimeout);
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Abort();
        }
    }
}
