using System.Globalization;
using System.Text.Json;

namespace AnimeProgress.Bench.NotificationDelivery;

/// <summary>The events a webhook body carries: one (<c>data</c>) or a digest's (<c>data.events</c>), per docs/notifications.md.</summary>
internal static class WebhookBody
{
    public static IReadOnlyList<ReceivedEvent> Events(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (!json.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            return data.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array
                ? [.. events.EnumerateArray().Select(Event).OfType<ReceivedEvent>()]
                : Event(data) is { } one ? [one] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static ReceivedEvent? Event(JsonElement data) =>
        data.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
        && data.TryGetProperty("occurred_at", out var at) && at.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var occurred)
            ? new ReceivedEvent(id.GetString()!, data.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "", occurred)
            : null;
}
