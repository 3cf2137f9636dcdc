using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace AnimeProgress.Bench.HistoryScale;

/// <summary>
/// Keeps the SQL (with its parameters) of the commands EF sends while <see cref="Recording"/> is on, so the bench can
/// ask PostgreSQL to EXPLAIN ANALYZE exactly what the app's read model sends, not a hand-written look-alike.
/// </summary>
internal sealed class CommandCapture : DbCommandInterceptor
{
    private readonly List<(string Sql, NpgsqlParameter[] Parameters)> _commands = [];

    public bool Recording { get; set; }

    /// <summary>The commands recorded since the last call, oldest first.</summary>
    public IReadOnlyList<(string Sql, NpgsqlParameter[] Parameters)> Take()
    {
        lock (_commands)
        {
            var taken = _commands.ToList();
            _commands.Clear();
            return taken;
        }
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Record(DbCommand command)
    {
        if (!Recording || command is not NpgsqlCommand npgsql)
        {
            return;
        }

        lock (_commands)
        {
            _commands.Add((npgsql.CommandText, [.. npgsql.Parameters.Select(p => p.Clone())]));
        }
    }
}
