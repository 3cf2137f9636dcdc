using AnimeProgress.Core.Persistence;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Api;
using AnimeProgress.Web.Api.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Web.Accounts;

/// <summary>The "any account or key yet?" fact: cached, asked at most once per interval while false, never unlearnt.</summary>
public sealed class AccountPresenceTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-presence-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AnimeProgressDbContext Context() => new(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").Options);

    private AccountPresence Presence(IDbContextFactory<AnimeProgressDbContext> contexts, params string[] tokens) =>
        new(contexts, new AccessTokens(Options.Create(new ApiOptions { Tokens = [.. tokens] })), _time, NullLogger<AccountPresence>.Instance);

    [Fact]
    public async Task The_first_account_ends_the_first_start_at_the_next_check_and_nothing_brings_it_back()
    {
        await using (var db = Context())
        {
            await db.Database.EnsureCreatedAsync(Ct);
        }

        var counting = new CountingFactory(Context);
        var presence = Presence(counting);
        Assert.True(await presence.IsFirstStartAsync(Ct));
        Assert.Equal(1, counting.Created);

        // Another process (the users command) adds an account.
        await using (var db = Context())
        {
            db.Users.Add(new IdentityUser("mika") { NormalizedUserName = "MIKA" });
            await db.SaveChangesAsync(Ct);
        }

        // Not asked again within the interval: requests meanwhile cost no query.
        for (var i = 0; i < 50; i++)
        {
            Assert.True(await presence.IsFirstStartAsync(Ct));
        }

        Assert.Equal(1, counting.Created);

        _time.Advance(AccountPresence.RecheckInterval);
        Assert.False(await presence.IsFirstStartAsync(Ct));
        Assert.True(await presence.UsersExistAsync(Ct));
        Assert.Equal(2, counting.Created);

        // Known for good: never asked again, even if the accounts went away.
        await using (var db = Context())
        {
            await db.Users.ExecuteDeleteAsync(Ct);
        }

        _time.Advance(TimeSpan.FromHours(1));
        Assert.False(await presence.IsFirstStartAsync(Ct));
        Assert.Equal(2, counting.Created);
    }

    [Fact]
    public async Task A_configured_token_is_a_key_so_there_is_no_first_start_even_without_accounts()
    {
        await using (var db = Context())
        {
            await db.Database.EnsureCreatedAsync(Ct);
        }

        var presence = Presence(new CountingFactory(Context), "studio-token-0123456789abcdef");

        Assert.False(await presence.IsFirstStartAsync(Ct));
        // The sign-in page still knows nobody can sign in yet.
        Assert.False(await presence.UsersExistAsync(Ct));
    }

    [Fact]
    public async Task A_database_that_cannot_answer_keeps_what_was_known()
    {
        // No tables at all: the query fails as a database error.
        var presence = Presence(new CountingFactory(Context));

        Assert.True(await presence.IsFirstStartAsync(Ct));
    }

    [Fact]
    public async Task An_account_made_in_this_process_counts_at_once()
    {
        var counting = new CountingFactory(Context);
        var presence = Presence(counting);

        presence.MarkUsersExist();

        Assert.False(await presence.IsFirstStartAsync(Ct));
        Assert.Equal(0, counting.Created);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private sealed class CountingFactory(Func<AnimeProgressDbContext> create) : IDbContextFactory<AnimeProgressDbContext>
    {
        public int Created { get; private set; }

        public AnimeProgressDbContext CreateDbContext()
        {
            Created++;
            return create();
        }
    }
}
