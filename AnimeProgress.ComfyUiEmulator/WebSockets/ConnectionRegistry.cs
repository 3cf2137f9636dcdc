using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.WebSockets;

/// <summary>
/// ComfyUI's routing table: one socket per clientId, keyed by that id. Reusing an id replaces the
/// entry (the old socket stays open but gets nothing, not even broadcasts), and closing *any*
/// socket with that id removes the entry, which silently detaches a newer socket (reference §2).
/// All sends happen under one lock, so every socket sees one global order.
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ClientConnection> _routes = new(StringComparer.Ordinal);
    private readonly HashSet<ClientConnection> _open = [];

    // Like ComfyUI's sockets_metadata: keyed by clientId, reset on connect, dropped with the route.
    private readonly Dictionary<string, bool> _previewMetadata = new(StringComparer.Ordinal);
    private bool _closed;

    /// <summary>Adds the socket to the table and queues its first frames before anything else can reach it.</summary>
    public bool Register(ClientConnection connection, Func<IEnumerable<JsonObject>> greeting)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }
            _routes[connection.ClientId] = connection;
            _previewMetadata[connection.ClientId] = false;
            _open.Add(connection);
            foreach (var message in greeting())
            {
                connection.Enqueue(new OutgoingFrame(PyJson.Serialize(message), WebSocketMessageType.Text));
            }
            return true;
        }
    }

    /// <summary>The socket routed for this id now, if any.</summary>
    public ClientConnection? Current(string clientId)
    {
        lock (_gate)
        {
            return _routes.GetValueOrDefault(clientId);
        }
    }

    /// <summary>ComfyUI pops the id, whichever socket holds it now (the documented pitfall).</summary>
    public void Unregister(ClientConnection connection)
    {
        lock (_gate)
        {
            _routes.Remove(connection.ClientId);
            _previewMetadata.Remove(connection.ClientId);
            _open.Remove(connection);
        }
        connection.MarkUnrouted();
    }

    /// <summary>Text message {type, data}: to one clientId, or to every routed socket when <paramref name="clientId"/> is null.</summary>
    public void SendJson(string type, JsonObject data, string? clientId)
    {
        var bytes = PyJson.Serialize(new JsonObject { ["type"] = type, ["data"] = data });
        Send(new OutgoingFrame(bytes, WebSocketMessageType.Text), clientId);
    }

    /// <summary>Bytes as they are, to every routed socket: what a misbehaving custom node can make ComfyUI send.</summary>
    public void BroadcastRaw(byte[] payload, WebSocketMessageType type) => Send(new OutgoingFrame(payload, type), null);

    public void SendBinary(byte[] payload, string? clientId) => Send(new OutgoingFrame(payload, WebSocketMessageType.Binary), clientId);

    /// <summary>The preview format is chosen from the flags of whichever socket holds the id now.</summary>
    public bool SupportsPreviewMetadata(string? clientId)
    {
        if (clientId is null)
        {
            return false;
        }
        lock (_gate)
        {
            return _previewMetadata.GetValueOrDefault(clientId);
        }
    }

    /// <summary>Stores the client's flags under its id, if the id is still routed.</summary>
    public void SetPreviewMetadata(string clientId, bool supported)
    {
        lock (_gate)
        {
            if (_previewMetadata.ContainsKey(clientId))
            {
                _previewMetadata[clientId] = supported;
            }
        }
    }

    /// <summary>Cuts every open socket without a close frame, as a network partition does; new sockets may still connect later.</summary>
    public void AbortAll()
    {
        List<ClientConnection> all;
        lock (_gate)
        {
            all = [.. _open];
        }

        foreach (var connection in all)
        {
            connection.Socket.Abort();
        }
    }

    /// <summary>Stops routing and returns every open socket (replaced ones too) so the server can close them.</summary>
    public IReadOnlyList<ClientConnection> CloseAll()
    {
        lock (_gate)
        {
            _closed = true;
            _routes.Clear();
            _previewMetadata.Clear();
            var all = _open.ToList();
            _open.Clear();
            return all;
        }
    }

    private void Send(OutgoingFrame frame, string? clientId)
    {
        lock (_gate)
        {
            if (clientId is null)
            {
                foreach (var connection in _routes.Values)
                {
                    connection.Enqueue(frame);
                }
            }
            else if (_routes.TryGetValue(clientId, out var connection))
            {
                connection.Enqueue(frame);
            }
        }
    }
}
