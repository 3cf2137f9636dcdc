using System.Net.WebSockets;
using System.Threading.Channels;
using AnimeProgress.Core.Hub;
using AnimeProgress.Web.Jobs.ReadModel;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// One /ws client. Puts together the parts that each do one job: <see cref="SessionReceiveLoop"/>
/// reads the client's messages and <see cref="ClientRequestHandler"/> answers them,
/// <see cref="HubUpdateRelay"/> hands over changed jobs, <see cref="SessionOutbox"/> is the only
/// thing that sends, and <see cref="SessionCloser"/> ends the connection from the server's side.
/// </summary>
internal sealed class ProgressSocketSession : IDisposable
{
    private readonly SessionOutbox _outbox;
    private readonly SessionCloser _closer;
    private readonly HubUpdateRelay _relay;
    private readonly SessionReceiveLoop _receiver;
    private readonly TimeSpan _sendTimeout;
    private readonly CancellationTokenSource _lifetime = new();

    public ProgressSocketSession(
        long id,
        string? remoteAddress,
        WebSocket socket,
        ProgressHub hub,
        JobQueries catalog,
        SnapshotFrameCache frames,
        ApiOptions options,
        TimeProvider time,
        ILogger logger)
    {
        Id = id;
        RemoteAddress = remoteAddress;
        var peer = new SessionPeer(id, remoteAddress);
        var subscriptions = new JobSubscriptions(options.MaxSubscriptionsPerClient);
        _sendTimeout = options.SendTimeout;
        _outbox = new SessionOutbox(socket, new UpdateFrames(subscriptions, frames), options, peer, logger);
        _closer = new SessionCloser(socket, _outbox);
        _relay = new HubUpdateRelay(hub, subscriptions, _outbox, _closer, options, time);
        var requests = new ClientRequestHandler(hub, catalog, frames, subscriptions, _outbox, time, options.MaxSubscriptionsPerClient);
        _receiver = new SessionReceiveLoop(socket, requests, _closer, options, time, peer, logger);
    }

    public long Id { get; }

    public string? RemoteAddress { get; }

    public long FramesSent => _outbox.FramesSent;

    /// <summary>Runs until the client leaves, is closed for abuse, stops reading, or the server stops.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        using var abortRegistration = aborted.Register(static s => ((SessionCloser)s!).Abort(), _closer);
        var writer = _outbox.RunAsync(_lifetime.Token);
        try
        {
            using (_relay.Start())
            {
                await _receiver.RunAsync(_lifetime.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
            // The client vanished or was dropped; nothing to answer.
        }
        finally
        {
            // The writer ends after the queued frames and the close (each send is bounded by the send timeout).
            _outbox.Complete();
            try
            {
                await writer.WaitAsync(_sendTimeout + SessionOutbox.CloseHandshakeTimeout, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                _closer.Abort();
            }

            // Stops a writer that outlived its timeout.
            await _lifetime.CancelAsync();
        }
    }

    /// <summary>Starts a server-side close (policy violation, shutdown); the client's close reply ends the session.</summary>
    public void RequestClose(WebSocketCloseStatus status, string reason) => _closer.Request(status, reason);

    public void Dispose()
    {
        _lifetime.Dispose();
        _outbox.Dispose();
    }
}
