using System.Text.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>
/// The generic webhook's JSON body, in the Standard Webhooks shape <c>{type, timestamp, data}</c>: one event's facts
/// (snake_case, plus <c>url</c>), or a digest <c>{type:"digest", data:{rule, count, events:[…]}}</c>. Schema: docs/notifications.md.
/// </summary>
public static class WebhookPayload
{
    public static string Build(OutgoingMessage message, JobLinks links)
    {
        if (!message.IsDigest)
        {
            var e = message.Events[0];
            return new JsonObject { ["type"] = e.Type, ["timestamp"] = Time(e.OccurredAt), ["data"] = Data(e, links) }.ToJsonString();
        }

        var events = new JsonArray();
        foreach (var e in message.Events)
        {
            events.Add(Data(e, links));
        }

        return new JsonObject
        {
            ["type"] = "digest",
            ["timestamp"] = Time(message.Timestamp),
            ["data"] = new JsonObject { ["rule"] = message.Rule, ["count"] = message.Events.Count, ["events"] = events },
        }.ToJsonString();
    }

    private static JsonObject Data(NotificationEvent e, JobLinks links)
    {
        var data = JsonNode.Parse(e.ToJson())!.AsObject();
        if (links.For(e) is { } url)
        {
            data["url"] = url;
        }

        return data;
    }

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>For tests and receivers: the event ids a body carries.</summary>
    public static IReadOnlyList<string> EventIds(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        return root.GetProperty("type").GetString() == "digest"
            ? [.. root.GetProperty("data").GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)]
            : [root.GetProperty("data").GetProperty("id").GetString()!];
    }
}
