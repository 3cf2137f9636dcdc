using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// The one answer to "did the database (or the way to it) fail, so that waiting and trying again is the
/// right response?". Every writer, listener, health check and command catches exactly these; anything else
/// is a bug and should surface. A failure caused by the values written (<see cref="IsCausedByValues"/>) is not
/// transient: the same write fails every time, so a batch writer quarantines the row instead of retrying it forever.
/// </summary>
public static class DatabaseErrors
{
    // SQLite result codes (sqlite3.h): SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH.
    private const int SqliteTooBig = 18;
    private const int SqliteConstraint = 19;
    private const int SqliteMismatch = 20;

    public static bool IsTransient(Exception exception) => !IsCausedByValues(exception) && exception switch
    {
        // Provider errors (NpgsqlException, SqliteException) and EF's wrapper around a failed SaveChanges.
        DbException or DbUpdateException => true,
        // Timeouts, and a connection cut under a read or write.
        TimeoutException or IOException => true,
        // A connection that is closed, broken or disposed (EF and Npgsql report it so), and a value the database
        // handed back in a shape it should not have (e.g. a sequence read while the table is being recreated).
        InvalidOperationException or InvalidCastException => true,
        // Host start-up reports several failing services at once; one database failure among them is enough.
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        _ => false,
    };

    /// <summary>
    /// True when the database refused the values themselves: PostgreSQL data exceptions (class 22: too long, NUL,
    /// out of range, bad encoding), integrity violations (class 23: NOT NULL, CHECK, foreign and unique keys), a program
    /// limit hit by a value (54000: too big for an index entry or a row) and errors raised by PL/pgSQL (class P0: a trigger
    /// of the studio's refusing the row); a parameter the driver refuses to send (Npgsql's ArgumentException, e.g. a
    /// timestamp with a non-UTC offset, inside EF's DbUpdateException); SQLite constraint, too-big and type-mismatch
    /// errors. Connection, lock, serialization and schema errors are not: they are the server's state, not the row's.
    /// </summary>
    public static bool IsCausedByValues(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is "54000" || (postgres.SqlState.Length == 5 && postgres.SqlState[..2] is "22" or "23" or "P0"),
        SqliteException sqlite => sqlite.SqliteErrorCode is SqliteConstraint or SqliteTooBig or SqliteMismatch,
        DbUpdateException { InnerException: ArgumentException or OverflowException } => true,
        DbUpdateException { InnerException: { } inner } => IsCausedByValues(inner),
        _ => false,
    };
}
