using System.Buffers;
using System.Net.WebSockets;

namespace AnimeProgress.Core.ComfyUi.Loops;

/// <summary>
/// Reads whole WebSocket messages into one reused buffer. A message over the size limit is read to
/// its end but not kept, so one huge frame costs no memory and does not break the stream.
/// </summary>
internal sealed class FrameReader(WebSocket socket, int maxFrameBytes)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    /// <summary>The last message read; valid until the next read.</summary>
    public ReadOnlyMemory<byte> Payload => _buffer.WrittenMemory;

    public async Task<Frame> ReadAsync(CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        var oversized = false;
        ValueWebSocketReceiveResult result;
        do
        {
            var memory = _buffer.GetMemory(16 * 1024);
            result = await socket.ReceiveAsync(memory, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new Frame(result.MessageType, Closed: true, Oversized: false);
            }

            if (!oversized)
            {
                _buffer.Advance(result.Count);
                if (_buffer.WrittenCount > maxFrameBytes)
                {
                    // Keep reading to the end of the frame, but do not keep it.
                    oversized = true;
                    _buffer.ResetWrittenCount();
                }
            }
        }
        while (!result.EndOfMessage);

        return new Frame(result.MessageType, Closed: false, oversized);
    }

    internal readonly record struct Frame(WebSocketMessageType Type, bool Closed, bool Oversized);
}
