namespace AnimeProgress.Core.Persistence.Postgres;

/// <summary>
/// The <c>pg_notify</c> contract the migrations' triggers fulfil. One channel for every table and schema; the
/// JSON payload names them: <c>{"schema","table":"production_jobs","id","status","progress","updated_at"}</c> or
/// <c>{"schema","table":"comfyui_instances","name"}</c>. Listeners read the row itself for the rest.
/// </summary>
public static class PostgresNotifications
{
    /// <summary>LISTEN channel of row changes (other programs may listen on it too); payloads name the schema and table, and deletions carry <c>"op":"delete"</c>.</summary>
    public const string Channel = "animeprogress_production_jobs";

    public const string JobsTable = ProductionJobRow.Table;

    public const string InstancesTable = ComfyUiInstanceRow.Table;
}
