using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.TestSupport.ComfyUi;

namespace AnimeProgress.IntegrationTests.Web.Relay;

/// <summary>
/// A client session as a pipeline script or ComfyUI's frontend runs it, written down as a transcript: every WebSocket
/// frame it receives and every HTTP answer it gets, in order. The same session runs against ComfyUI directly and
/// through the relay; <see cref="Normalize"/> removes exactly what the issue allows to differ (sid, timestamps,
/// extra_data.client_id, the prompt number) and nothing else;
/// the Bench's relay-conformance applies the same rule against the real ComfyUI.
/// </summary>
internal sealed class ComfyUiSession(Uri baseUrl, HttpClient http, string clientId) : IAsyncDisposable
{
    private readonly List<string> _http = [];

    public IReadOnlyList<string> Http => _http;

    public WsProbe? Socket { get; private set; }

    public async Task ConnectAsync(bool previewMetadata, CancellationToken cancellationToken)
    {
        Socket = await WsProbe.ConnectAsync(baseUrl, clientId, cancellationToken);
        await Socket.WaitForAsync("status", cancellationToken);
        if (previewMetadata)
        {
            await Socket.SendTextAsync("""{"type":"feature_flags","data":{"supports_preview_metadata":true}}""", cancellationToken);
            await Socket.WaitForAsync("feature_flags", cancellationToken);
        }
    }

    public async Task<JsonObject?> PostPromptAsync(JsonObject graph, string promptId, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["prompt"] = graph, ["client_id"] = clientId, ["prompt_id"] = promptId, ["extra_data"] = new JsonObject { ["source"] = "conformance" } };
        using var response = await http.PostAsJsonAsync(new Uri(baseUrl, "prompt"), body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        _http.Add($"POST /prompt {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {Normalize(text)}");
        return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(text)!.AsObject() : null;
    }

    public async Task<JsonObject> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, path), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        _http.Add($"GET /{path} {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {Normalize(text)}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task GetBytesAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(baseUrl, path), cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        _http.Add($"GET /{path} {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {bytes.Length} bytes sha256 {Convert.ToHexString(SHA256.HashData(bytes))[..16]}");
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
        _http.Add($"POST /upload/image {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {Normalize(text)}");
    }

    public async Task ReconnectAsync(CancellationToken cancellationToken)
    {
        var previous = Socket!;
        await previous.CloseAsync(cancellationToken);
        _frames.AddRange(Frames(previous));
        _frames.Add("-- reconnect --");
        Socket = await WsProbe.ConnectAsync(baseUrl, clientId, cancellationToken);
        await Socket.WaitForAsync("status", cancellationToken);
    }

    private readonly List<string> _frames = [];

    public async ValueTask DisposeAsync()
    {
        if (Socket is not null)
        {
            await Socket.DisposeAsync();
        }
    }

    /// <summary>Every frame received so far, on every socket of the session, normalized.</summary>
    public IReadOnlyList<string> WebSocketTranscript() => [.. _frames, .. Frames(Socket!)];

    private static IEnumerable<string> Frames(WsProbe socket) => socket.Messages.Select(m => m.IsBinary
        ? $"binary type {m.BinaryType}, {m.Binary!.Length} bytes, sha256 {Convert.ToHexString(SHA256.HashData(m.Binary))[..16]}"
        : m.Type + " " + Normalize(m.Data?.ToJsonString() ?? "null"));

    /// <summary>Removes what may differ between two servers running the same session (and nothing else).</summary>
    public static string Normalize(string json) => TranscriptNormalizer.Normalize(json);
}
