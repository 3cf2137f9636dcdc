using System.Text.Json;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>Reads a <see cref="PostgresNotifications.Channel"/> payload (see the triggers in the migrations).</summary>
internal static class ListenerNotificationParser
{
    /// <returns>The notice, or null for another schema's or table's change, or a payload without an id.</returns>
    /// <exception cref="JsonException">The payload is not JSON.</exception>
    public static ListenerNotice? Parse(string payload, string schema)
    {
        using var json = JsonDocument.Parse(payload);
        var root = json.RootElement;
        if (root.TryGetProperty("schema", out var s) && s.GetString() != schema)
        {
            return null;
        }

        // The channel carries production_jobs and comfyui_instances changes; the first payloads named no table.
        var table = root.TryGetProperty("table", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : PostgresNotifications.JobsTable;
        if (table == PostgresNotifications.InstancesTable)
        {
            return root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? new ListenerNotice(null, name.GetString())
                : null;
        }

        if (table != PostgresNotifications.JobsTable || !root.TryGetProperty("id", out var id) || !id.TryGetInt64(out var jobId))
        {
            return null;
        }

        var deleted = root.TryGetProperty("op", out var op) && op.ValueKind == JsonValueKind.String && op.GetString() == "delete";
        return new ListenerNotice(jobId, Deleted: deleted);
    }
}
