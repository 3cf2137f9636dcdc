using System.Globalization;
using System.Text.Json;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// Reads one client text frame: <c>{"type":"ping"}</c>, <c>{"type":"subscribe_job","job_id":123}</c>,
/// <c>{"type":"unsubscribe_job","job_id":123}</c>. Anything else becomes a <see cref="ClientError"/>
/// with the text the client gets back. Unknown extra fields are ignored (clients may add their own). Nothing a
/// client sends makes this throw: duplicate keys, deep nesting and invalid UTF-8 are "invalid JSON".
/// </summary>
public static class ClientMessageReader
{
    private const int MaxEchoedTypeLength = 64;

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    public static (ClientRequest? Request, ClientError? Error) Read(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            return ReadDocument(utf8);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // JsonException, or a string the reader cannot transcode: the message cannot be read, whatever the cause.
            return (null, ClientError.InvalidJson);
        }
    }

    private static (ClientRequest? Request, ClientError? Error) ReadDocument(ReadOnlyMemory<byte> utf8)
    {
        var document = JsonDocument.Parse(utf8, Strict);

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, ClientError.NotAnObject);
            }

            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                return (null, ClientError.MissingType);
            }

            var type = typeElement.GetString() ?? "";
            return type switch
            {
                "ping" => (new ClientRequest(ClientRequestKind.Ping), null),
                "subscribe_job" => WithJobId(root, ClientRequestKind.Subscribe),
                "unsubscribe_job" => WithJobId(root, ClientRequestKind.Unsubscribe),
                _ => (null, ClientError.UnknownType(BoundedText.Cap(type, MaxEchoedTypeLength)!)),
            };
        }
    }

    private static (ClientRequest?, ClientError?) WithJobId(JsonElement root, ClientRequestKind kind)
    {
        if (!root.TryGetProperty("job_id", out var id) || id.ValueKind == JsonValueKind.Null)
        {
            return (null, ClientError.MissingJobId);
        }

        // Numbers as the seed sends them; a numeric string is taken too, since loosely typed clients send those.
        if ((id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number))
            || (id.ValueKind == JsonValueKind.String && long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out number)))
        {
            return (new ClientRequest(kind, number), null);
        }

        return (null, ClientError.NonNumericJobId);
    }
}
