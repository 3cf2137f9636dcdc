using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace AnimeProgress.TestSupport.ComfyUi;

/// <summary>
/// A client session as a pipeline script or ComfyUI's frontend runs it, written down as a transcript: every WebSocket
/// frame its sockets receive and every HTTP answer it gets, in order, normalized by <see cref="TranscriptNormalizer"/>.
/// The same session runs against ComfyUI directly and through the relay (the conformance test against the emulator,
/// the Bench's relay-conformance against the real ComfyUI), and the two transcripts are compared line by line.
/// </summary>
public sealed class ComfyUiSession(Uri baseUrl, HttpClient http, string clientId, TimeSpan? timeout = null) : IAsyncDisposable
{
    private readonly List<string> _http = [];
    private readonly List<string> _earlierFrames = [];

    public IReadOnlyList<string> Http => _http;

    public WsProbe Socket { get; private set; } = null!;

    public TimeSpan Timeout { get; } = timeout ?? WsProbe.DefaultTimeout;

    public async Task ConnectAsync(bool previewMetadata, CancellationToken cancellationToken)
    {
        Socket = await WsProbe.ConnectAsync(baseUrl, clientId, cancellationToken);
        await Socket.WaitForAsync(m => m.Type == "status", cancellationToken, Timeout, "the greeting");
        if (previewMetadata)
        {
            await Socket.SendTextAsync("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""", cancellationToken);
            await Socket.WaitForAsync(m => m.Type == "feature_flags", cancellationToken, Timeout, "the server's feature_flags");
        }
    }

    /// <summary>Closes the socket first (reference §2: an old socket closing later would take the new one's messages), then reconnects.</summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        await Socket.CloseAsync(cancellationToken);
        _earlierFrames.AddRange(Lines(Socket));
        _earlierFrames.Add("-- reconnect --");
        await Socket.DisposeAsync();
        Socket = await WsProbe.ConnectAsync(baseUrl, clientId, cancellationToken);
        await Socket.WaitForAsync(m => m.Type == "status", cancellationToken, Timeout, "the greeting after reconnecting");
    }

    /// <summary>Posts a prompt under the session's client id; the answer is recorded whatever it is.</summary>
    public async Task PostPromptAsync(JsonObject graph, string promptId, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["prompt"] = graph, ["client_id"] = clientId, ["prompt_id"] = promptId, ["extra_data"] = new JsonObject { ["source"] = "conformance" } };
        using var response = await http.PostAsJsonAsync(new Uri(baseUrl, "prompt"), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        _http.Add($"POST /prompt {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {TranscriptNormalizer.Normalize(text)}");
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

    /// <summary>Uploads a file as ComfyUI's frontend does (multipart, field <c>image</c>).</summary>
    public async Task UploadAsync(string fileName, byte[] bytes, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "image", fileName }, { new StringContent("true"), "overwrite" } };
        using var response = await http.PostAsync(new Uri(baseUrl, "upload/image"), form, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        _http.Add($"POST /upload/image {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {TranscriptNormalizer.Normalize(text)}");
    }

    /// <summary>The end of a job for its submitter: executing with node null and its prompt id.</summary>
    public Task<ReceivedMessage> JobEndAsync(string promptId, CancellationToken cancellationToken) =>
        Socket.WaitForAsync(m => m.IsExecutingNull && m.PromptId == promptId, cancellationToken, Timeout, $"the end of {promptId}");

    /// <summary>
    /// Waits until the newest frame is a status broadcast with an empty queue: the record of a socket that follows
    /// others' jobs is settled.
    /// </summary>
    public Task SettledAsync(CancellationToken cancellationToken) =>
        Socket.WaitForAsync(m => m.IsStatusBroadcast && m.QueueRemaining == 0 && ReferenceEquals(m, Socket.Messages[^1]), cancellationToken, Timeout, "a last status with an empty queue");

    /// <summary>
    /// Waits for the status broadcast with an empty queue that follows the client's own job (the real server sends it
    /// before the job's closing executing null, reference §4; the emulator after it), so the owner's record is settled.
    /// </summary>
    public Task SettledAfterAsync(string promptId, CancellationToken cancellationToken)
    {
        return Socket.WaitForAsync(
            m => m.IsStatusBroadcast && m.QueueRemaining == 0 && IndexOf(m) > IndexOf(Socket.Messages.FirstOrDefault(s => s.Type == "execution_start" && s.PromptId == promptId)),
            cancellationToken, Timeout, $"a status with an empty queue after {promptId} started");

        int IndexOf(ReceivedMessage? message)
        {
            var messages = Socket.Messages;
            for (var i = 0; i < messages.Count; i++)
            {
                if (ReferenceEquals(messages[i], message))
                {
                    return i;
                }
            }

            // Not on this socket (it reconnected since the job started): any later empty-queue status counts.
            return -1;
        }
    }

    /// <summary>Every frame received so far, on every socket of the session, normalized.</summary>
    public IReadOnlyList<string> Frames() => [.. _earlierFrames, .. Lines(Socket)];

    public ValueTask DisposeAsync() => Socket is null ? ValueTask.CompletedTask : Socket.DisposeAsync();

    private static IEnumerable<string> Lines(WsProbe socket) => socket.Messages.Select(m => m.IsBinary
        ? $"binary type {m.BinaryType}, {m.Binary!.Length} bytes, sha256 {Hash(m.Binary)}"
        : m.Type + " " + TranscriptNormalizer.Normalize(m.Data?.ToJsonString() ?? "null"));

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes))[..16];
}
