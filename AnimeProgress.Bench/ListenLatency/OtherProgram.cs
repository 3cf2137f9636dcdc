using Npgsql;
using NpgsqlTypes;

namespace AnimeProgress.Bench.ListenLatency;

/// <summary>
/// "Another program": plain SQL on its own connection, each statement its own transaction (autocommit), the way a
/// render farm script or the studio's API writes <c>production_jobs</c>. It sets <c>updated_at = now()</c> on every
/// change, as such programs should; with <c>touchUpdatedAt: false</c> its updates leave <c>updated_at</c> as it was.
/// </summary>
internal sealed class OtherProgram : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _table;
    private NpgsqlCommand _insert = null!;
    private NpgsqlCommand _update = null!;
    private NpgsqlCommand _complete = null!;

    private readonly string _touch;

    private OtherProgram(NpgsqlConnection connection, string table, bool touchUpdatedAt)
    {
        _connection = connection;
        _table = table;
        _touch = touchUpdatedAt ? ", updated_at = now()" : "";
    }

    public static async Task<OtherProgram> OpenAsync(string connectionString, string schema, bool touchUpdatedAt, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "animeprogress-listen-bench-writer" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var program = new OtherProgram(connection, $"{Quote(schema)}.production_jobs", touchUpdatedAt);
        await program.PrepareAsync(cancellationToken);
        return program;
    }

    /// <summary>The highest id in the table (0 when empty); fails clearly when the app has not created the table.</summary>
    public async Task<long> MaxIdAsync(CancellationToken cancellationToken)
    {
        await using var max = new NpgsqlCommand($"SELECT coalesce(max(id), 0) FROM {_table}", _connection);
        return (long)(await max.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task InsertAsync(long id, CancellationToken cancellationToken)
    {
        _insert.Parameters[0].Value = id;
        _insert.Parameters[1].Value = $"listen-bench {id}";
        await _insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpdateAsync(long id, double progress, CancellationToken cancellationToken)
    {
        _update.Parameters[0].Value = id;
        _update.Parameters[1].Value = progress;
        await _update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task CompleteAsync(long id, CancellationToken cancellationToken)
    {
        _complete.Parameters[0].Value = id;
        await _complete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes the run's rows (a DELETE notifies nobody: the trigger is on INSERT and UPDATE).</summary>
    public async Task<int> DeleteAsync(long fromId, long toId, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand($"DELETE FROM {_table} WHERE id BETWEEN $1 AND $2", _connection);
        delete.Parameters.Add(new NpgsqlParameter<long> { Value = fromId });
        delete.Parameters.Add(new NpgsqlParameter<long> { Value = toId });
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _insert = new NpgsqlCommand(
            $"INSERT INTO {_table} (id, title, kind, status, progress, frames_estimated, created_at, updated_at) VALUES ($1, $2, 'image', 'queued', 0, false, now(), now())",
            _connection);
        _insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
        _insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
        _update = new NpgsqlCommand(
            $"UPDATE {_table} SET status = 'running', current_stage = 'Processing', progress = $2, started_at = coalesce(started_at, now()){_touch} WHERE id = $1",
            _connection);
        _update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
        _update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Double });
        _complete = new NpgsqlCommand(
            $"UPDATE {_table} SET status = 'completed', current_stage = 'Completed', progress = 100, completed_at = now(){_touch} WHERE id = $1",
            _connection);
        _complete.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint });
        foreach (var command in (NpgsqlCommand[])[_insert, _update, _complete])
        {
            await command.PrepareAsync(cancellationToken);
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public async ValueTask DisposeAsync()
    {
        foreach (var command in (NpgsqlCommand?[])[_insert, _update, _complete])
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }

        await _connection.DisposeAsync();
    }
}
