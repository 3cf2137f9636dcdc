using System.Globalization;
using System.Text.Json;
using AnimeProgress.Web.Api.Wire;

namespace AnimeProgress.Web.Api.WebSockets;

/// <summary>
/// Reads one client text frame: <c>{"type":"ping"}</c>, <c>{"type":"subscribe_job","job_id":123}</c>,
/// <c>{"type":"unsubscribe_job","job_id":123}</c>. Anything else becomes a <see cref="ClientError"/>
/// with the text the client gets back. Unknown extra fields are ignored (clients may add their own).
/// </summary>
public static class ClientMessageReader
{
    private const int MaxEchoedTypeLength = 64;

    public static (ClientRequest? Request, ClientError? Error) Read(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            return (null, ClientError.InvalidJson);
        }

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
                _ => (null, ClientError.UnknownType(type.Length > MaxEchoedTypeLength ? type[..MaxEchoedTypeLength] + "…" : type)),
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
