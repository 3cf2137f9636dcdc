using System.Net.WebSockets;

namespace AnimeProgress.ComfyUiEmulator.WebSockets;

/// <summary>A frame queued for one socket; the same bytes are shared by every recipient of a broadcast.</summary>
internal sealed record OutgoingFrame(ReadOnlyMemory<byte> Payload, WebSocketMessageType Type, WebSocketCloseStatus CloseStatus = WebSocketCloseStatus.Empty)
{
    /// <summary>Asks the writer to send a close frame after everything queued before it.</summary>
    public static OutgoingFrame Close(WebSocketCloseStatus status) => new(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Close, status);
}
