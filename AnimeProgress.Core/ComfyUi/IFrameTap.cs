using System.Net.WebSockets;
using AnimeProgress.Core.ComfyUi.Messages;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// Sees every readable frame an instance sends AnimeProgress's socket, as it arrived, next to what it was read as: the
/// relay hands ComfyUI's own bytes on to the clients it stands in for (issue 17). Called on the socket reader's loop,
/// in the order ComfyUI sent the frames, so it must not block: copy what is needed and return. Frames that could not
/// be read never reach it.
/// </summary>
public interface IFrameTap
{
    /// <summary>The socket to <paramref name="instance"/> is open (again).</summary>
    void Connected(string instance);

    /// <param name="payload">The frame's bytes; valid only during the call.</param>
    void Frame(string instance, WebSocketMessageType type, ReadOnlySpan<byte> payload, ComfyUiEvent parsed);

    /// <summary>The socket to <paramref name="instance"/> closed or failed; it is being reopened.</summary>
    void Disconnected(string instance);
}
