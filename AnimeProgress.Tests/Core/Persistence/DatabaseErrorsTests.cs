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

    [Fact]
    public void Database_and_connection_failures_are_transient() =>
        Assert.All(Transient, e => Assert.True(DatabaseErrors.IsTransient(e), e.GetType().Name));

    [Fact]
    public void Cancellation_and_bugs_are_not() =>
        Assert.All(NotTransient, e => Assert.False(DatabaseErrors.IsTransient(e), e.GetType().Name));
}
