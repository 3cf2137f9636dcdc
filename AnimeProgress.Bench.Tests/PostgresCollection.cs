using AnimeProgress.TestSupport.Postgres;

namespace AnimeProgress.Bench.Tests;

/// <summary>
/// The test classes that share one <see cref="PostgresFixture"/> server. xunit finds collection definitions only
/// in the test assembly itself, so each test project that uses the fixture declares its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
