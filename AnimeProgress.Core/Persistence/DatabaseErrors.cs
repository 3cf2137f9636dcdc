using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// The one answer to "did the database (or the way to it) fail, so that waiting and trying again is the
/// right response?". Every writer, listener, health check and command catches exactly these; anything else
/// is a bug and should surface.
/// </summary>
public static class DatabaseErrors
{
    public static bool IsTransient(Exception exception) => exception switch
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
}
