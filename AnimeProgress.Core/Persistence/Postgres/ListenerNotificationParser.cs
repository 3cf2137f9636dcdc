using System.Text.Json;

namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// Reads a <see cref="PostgresNotifications.Channel"/> payload (see the triggers in the migrations). Any program
/// with write access can NOTIFY on the channel, so nothing in a payload can make this throw: wrong types, duplicate
/// keys, deep nesting and broken text are all "unreadable".
/// </summary>
internal static class ListenerNotificationParser
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <returns>
    /// False when the payload cannot be read (the caller logs it). True otherwise, with the notice, or null for
    /// another schema's or table's change, or a payload without an id.
    /// </returns>
    public static bool TryParse(string payload, string schema, out ListenerNotice? notice)
    {
        notice = null;
        try
        {
            using var json = JsonDocument.Parse(payload, Strict);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            notice = Read(json.RootElement, schema);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static ListenerNotice? Read(JsonElement root, string schema)
    {
        if (root.TryGetProperty("schema", out var s) && (s.ValueKind != JsonValueKind.String || s.GetString() != schema))
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

        if (table != PostgresNotifications.JobsTable || !root.TryGetProperty("id", out var id)
            || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var jobId))
        {
            return null;
        }

        var deleted = root.TryGetProperty("op", out var op) && op.ValueKind == JsonValueKind.String && op.GetString() == "delete";
        return new ListenerNotice(jobId, Deleted: deleted);
    }
}
