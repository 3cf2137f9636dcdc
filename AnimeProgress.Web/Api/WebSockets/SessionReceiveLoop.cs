using System.Net.WebSockets;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// Reads one client's messages, checks their size and rate, and hands the rest to the request
/// handler. Too big (1009) or too many (1008) closes the connection.
/// </summary>
internal sealed class SessionReceiveLoop(
    WebSocket socket,
    ClientRequestHandler requests,
    SessionCloser closer,
    ApiOptions options,
    TimeProvider time,
    SessionPeer peer,
    ILogger logger)
{
    private readonly MessageRateGate _rate = new(options.MaxMessagesPerSecond, options.MessageBurst, time);

    /// <summary>Runs until the client closes or is closed for abuse.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // One byte more than allowed, so a message of exactly the limit fits and one byte over is seen.
        var buffer = new byte[options.MaxMessageBytes + 1];
        while (true)
        {
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (count == buffer.Length)
                {
                    await CloseTooBigAsync(buffer, cancellationToken);
                    return;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // The client's close, or its answer to ours: reply once, then the session ends.
                    closer.Request(WebSocketCloseStatus.NormalClosure, "");
                    return;
                }

                count += result.Count;
            }
            while (!result.EndOfMessage);

            if (count > options.MaxMessageBytes)
            {
                await CloseTooBigAsync(buffer, cancellationToken);
                return;
            }

            if (closer.IsRequested)
            {
                continue;
            }

            if (!_rate.TryTake())
            {
                logger.LogFlood(peer.Id, peer.RemoteAddress, options.MaxMessagesPerSecond, options.MessageBurst);
                await closer.CloseForPolicyAsync(
                    WebSocketCloseStatus.PolicyViolation, $"More than {options.MaxMessagesPerSecond:0.##} messages per second", buffer, cancellationToken);
                return;
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                await requests.ReplyErrorAsync(ClientError.BinaryFrame, cancellationToken);
                continue;
            }

            await requests.HandleAsync(buffer.AsMemory(0, count), cancellationToken);
        }
    }

    private Task CloseTooBigAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        logger.LogMessageTooBig(peer.Id, peer.RemoteAddress, options.MaxMessageBytes);
        return closer.CloseForPolicyAsync(
            WebSocketCloseStatus.MessageTooBig, $"Message larger than {options.MaxMessageBytes} bytes", buffer, cancellationToken);
    }
}
