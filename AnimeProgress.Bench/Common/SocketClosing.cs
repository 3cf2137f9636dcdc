using System.Net.WebSockets;

namespace AnimeProgress.Bench.Common;

/// <summary>Ends a bench client's WebSocket politely when it can, without failing when the server is already gone.</summary>
internal static class SocketClosing
{
    public static async Task CloseQuietlyAsync(WebSocket socket)
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
