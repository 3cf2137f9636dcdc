namespace AnimeProgress.TestSupport.Postgres;

/// <summary>
/// The PostgreSQL server shared by the PostgreSQL test classes: a <see cref="ThrowawayPostgres"/> cluster from
/// the local binaries, or the server named by <c>ANIMEPROGRESS_TEST_PG</c> when that is set. Each test class
/// takes its own database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = ThrowawayPostgres.EnvironmentVariable;

    private ThrowawayPostgres? _cluster;

    /// <summary>The server (available after initialisation).</summary>
    public ThrowawayPostgres Cluster => _cluster ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialised.");

    /// <summary>
    /// True when the server was started here and can be stopped and started again; false with
    /// <c>ANIMEPROGRESS_TEST_PG</c>. Restart tests skip explicitly when it is false:
    /// <c>Assert.SkipUnless(postgres.CanRestart, ...)</c>.
    /// </summary>
    public bool CanRestart => Cluster.CanRestart;

    public async ValueTask InitializeAsync() =>
        _cluster = await ThrowawayPostgres.CreateFromEnvironmentAsync(TestContext.Current.CancellationToken);

    /// <summary>A fresh, empty database on the server; each test class takes its own.</summary>
    public Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken) =>
        Cluster.CreateDatabaseAsync(prefix, cancellationToken);

    /// <summary>
    /// Stops the server (every database on it: the other test classes of the collection run before or after,
    /// never during). Throws <see cref="NotSupportedException"/> with <c>ANIMEPROGRESS_TEST_PG</c>.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => Cluster.StopAsync(cancellationToken);

    /// <summary>Starts the stopped server on the same port with the same data.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Cluster.StartAsync(cancellationToken);

    /// <summary>Stops and starts the server, as in a database restart.</summary>
    public Task RestartAsync(CancellationToken cancellationToken) => Cluster.RestartAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
