using AnimeProgress.Core.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AnimeProgress.Tests.Core.Persistence;

public sealed class DatabaseErrorsTests
{
    private static readonly Exception[] Transient =
    [
        new NpgsqlException("connection refused"),
        new SqliteException("database is locked", 5),
        new DbUpdateException("save failed", new NpgsqlException("gone")),
        new TimeoutException(),
        new IOException("connection reset"),
        new InvalidOperationException("the connection is closed"),
        new ObjectDisposedException("connection"),
        new InvalidCastException("sequence value"),
        new AggregateException(new ArgumentException("bad"), new NpgsqlException("down")),
    ];

    private static readonly Exception[] NotTransient =
    [
        new OperationCanceledException(),
        new TaskCanceledException(),
        new ArgumentException("a bug"),
        new NotSupportedException(),
        new FormatException(),
        new AggregateException(new ArgumentException("bad")),
        new AggregateException(),
    ];

    /// <summary>The database refused the values: the same write fails every time (issue 13's poison batch).</summary>
    private static readonly Exception[] CausedByValues =
    [
        new PostgresException("value too long for type character varying(500)", "ERROR", "ERROR", "22001"),
        new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021"),
        new DbUpdateException("save failed", new PostgresException("new row violates check constraint", "ERROR", "ERROR", "23514")),
        new DbUpdateException("save failed", new PostgresException("duplicate key value", "ERROR", "ERROR", "23505")),
        new DbUpdateException("save failed", new SqliteException("NOT NULL constraint failed", 19)),
        // A trigger of the studio's that refuses the row (RAISE EXCEPTION), and a value too big for an index entry.
        new DbUpdateException("save failed", new PostgresException("studio rule: no such cut", "ERROR", "ERROR", "P0001")),
        new DbUpdateException("save failed", new PostgresException("index row size 3000 exceeds btree version 4 maximum 2704", "ERROR", "ERROR", "54000")),
        // Npgsql refuses the parameter before sending it (a timestamp with an offset other than UTC).
        new DbUpdateException("save failed", new ArgumentException("Cannot write DateTimeOffset with Offset=09:00:00", "value")),
    ];

    [Fact]
    public void Values_the_database_refuses_are_not_transient_while_server_side_outages_are()
    {
        Assert.All(CausedByValues, e => Assert.True(DatabaseErrors.IsCausedByValues(e), e.Message));
        Assert.All(CausedByValues, e => Assert.False(DatabaseErrors.IsTransient(e), e.Message));
        // Shutdown, deadlock, serialization and a missing table are the server's state, not the row's: retried.
        Assert.All(
            (string[])["57P01", "40P01", "40001", "42P01", "53300"],
            state => Assert.True(DatabaseErrors.IsTransient(new DbUpdateException("save failed", new PostgresException("x", "FATAL", "FATAL", state))), state));
    }

    [Fact]
    public void Database_and_connection_failures_are_transient() =>
        Assert.All(Transient, e => Assert.True(DatabaseErrors.IsTransient(e), e.GetType().Name));

    [Fact]
    public void Cancellation_and_bugs_are_not() =>
        Assert.All(NotTransient, e => Assert.False(DatabaseErrors.IsTransient(e), e.GetType().Name));
}
