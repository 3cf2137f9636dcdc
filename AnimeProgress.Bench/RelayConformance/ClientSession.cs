using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AnimeProgress.TestSupport.ComfyUi;

namespace AnimeProgress.Bench.RelayConformance;

/// <summary>
/// A client session written down as a transcript: every frame its sockets received and every HTTP answer it got, in
/// order, normalized by the rule the integration test uses (<see cref="TranscriptNormalizer"/>). Lines are formatted as
/// the integration test's ComfyUiSession formats them, so the two checks compare the same things.
/// </summary>
internal sealed class ClientSession(Uri baseUrl, HttpClient http, string clientId, TimeSpan timeout) : IAsyncDisposable
{
    private readonly List<string> _http = [];
    private readonly List<string> _earlierFrames = [];

    public string ClientId => clientId;

    public IReadOnlyList<string> Http => _http;

    public RecordingSocket Socket { get; private set; } = null!;

    public TimeSpan Timeout => timeout;

    public async Task ConnectAsync(bool previewMetadata, CancellationToken cancellationToken)
    {
        Socket = await RecordingSocket.ConnectAsync(baseUrl, clientId, cancellationToken);
        await Socket.WaitForAsync(f => f.Type == "status", "the greeting", timeout, cancellationToken);
        if (previewMetadata)
        {
            await Socket.SendTextAsync("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""", cancellationToken);
            await Socket.WaitForAsync(f => f.Type == "feature_flags", "the server's feature_flags", timeout, cancellationToken);
        }
    }

    /// <summary>Closes the socket first (reference §2: an old socket closing later would take the new one's messages), then reconnects.</summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        await Socket.CloseAsync(cancellationToken);
        _earlierFrames.AddRange(Lines(Socket));
        _earlierFrames.Add("-- reconnect --");
        await Socket.DisposeAsync();
        Socket = await RecordingSocket.ConnectAsync(baseUrl, clientId, cancellationToken);
        await Socket.WaitForAsync(f => f.Type == "status", "the greeting after reconnecting", timeout, cancellationToken);
    }

    public async Task PostPromptAsync(JsonObject graph, string promptId, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["prompt"] = graph, ["client_id"] = clientId, ["prompt_id"] = promptId, ["extra_data"] = new JsonObject { ["source"] = "conformance" } };
        using var response = await http.PostAsJsonAsync(new Uri(baseUrl, "prompt"), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        _http.Add($"POST /prompt {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {TranscriptNormalizer.Normalize(text)}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"ComfyUI refused prompt {promptId}: {(int)response.StatusCode} {text}");
        }
    }

    public async Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, path), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        _http.Add($"GET /{path} {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {TranscriptNormalizer.Normalize(text)}");
        return JsonNode.Parse(text);
    }

    public async Task GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, path), cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        _http.Add($"GET /{path} {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {bytes.Length} bytes sha256 {Hash(bytes)}");
    }

    public async Task PostAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri(baseUrl, path), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        _http.Add($"POST /{path} {(int)response.StatusCode} {text}");
    }

    /// <summary>
    /// Waits until the newest frame is a status broadcast with an empty queue: the record of a socket that follows
    /// others' jobs is settled.
    /// </summary>
    public Task SettledAsync(CancellationToken cancellationToken) =>
        Socket.WaitForAsync(f => f.IsStatusBroadcast && f.QueueRemaining == 0 && ReferenceEquals(f, Socket.Frames[^1]), "a last status with an empty queue", timeout, cancellationToken);

    /// <summary>
    /// Waits for the status broadcast with an empty queue that follows the client's own job (the real server sends it
    /// before the job's closing executing null, reference §4; the emulator after it), so the owner's record is settled.
    /// </summary>
    public Task SettledAfterAsync(string promptId, CancellationToken cancellationToken) =>
        Socket.WaitForAsync(
            f => f.IsStatusBroadcast && f.QueueRemaining == 0 && IndexOf(f) > IndexOf(Socket.Frames.FirstOrDefault(s => s.Type == "execution_start" && s.PromptId == promptId)),
            $"a status with an empty queue after {promptId} started", timeout, cancellationToken);

    private int IndexOf(ReceivedFrame? frame)
    {
        var frames = Socket.Frames;
        for (var i = 0; i < frames.Count; i++)
        {
            if (ReferenceEquals(frames[i], frame))
            {
                return i;
            }
        }

        // Not on this socket (it reconnected since the job started): any later empty-queue status counts.
        return -1;
    }

    /// <summary>Every frame received so far, on every socket of the session, normalized.</summary>
    public IReadOnlyList<string> Frames() => [.. _earlierFrames, .. Lines(Socket)];

    public ValueTask DisposeAsync() => Socket is null ? ValueTask.CompletedTask : Socket.DisposeAsync();

    private static IEnumerable<string> Lines(RecordingSocket socket) => socket.Frames.Select(f => f.IsBinary
        ? $"binary type {f.BinaryType}, {f.Binary!.Length} bytes, sha256 {Hash(f.Binary)}"
        : f.Type + " " + TranscriptNormalizer.Normalize(f.Data?.ToJsonString() ?? "null"));

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes))[..16];
}
