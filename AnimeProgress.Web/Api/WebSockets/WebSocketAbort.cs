using System.Net.WebSockets;

namespace AnimeProgress.Web.Api.WebSockets;

internal static class WebSocketAbort
{
    /// <summary>Drops the connection at once; a socket already disposed is already gone.</summary>
    public static void Quietly(WebSocket socket)
    {
        try
        {
            socket.Abort();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
