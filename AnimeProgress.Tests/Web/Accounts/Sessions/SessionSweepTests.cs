using System.Data.Common;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Accounts.Sessions;
using AnimeProgress.Web.Api;
using AnimeProgress.Web.Api.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Web.Accounts.Sessions;

/// <summary>
/// The sweep's cost follows the number of distinct accounts and keys, not of viewers: the same few queries for 3
/// open sessions as for 2,000 over the same accounts; and it ends exactly the sessions whose account or key changed.
/// </summary>
public sealed class SessionSweepTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-sweep-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CommandCounter _commands = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AnimeProgressDbContext Context() =>
        new(new DbContextOptionsBuilder<AnimeProgressDbContext>().UseSqlite($"Data Source={_file}").AddInterceptors(_commands).Options);

    [Fact]
    public async Task Two_thousand_sessions_over_three_accounts_and_a_key_cost_the_queries_of_four_sessions()
    {
        var (ids, keyId) = await SeedAsync();
        var few = await CommandsOfOneSweepAsync(ids, keyId, perAccount: 1);
        var many = await CommandsOfOneSweepAsync(ids, keyId, perAccount: 500);

        Assert.Equal(3, few); // accounts, their roles, keys
        Assert.Equal(few, many);
    }

    [Fact]
    public async Task Only_the_sessions_of_the_changed_account_and_the_revoked_key_are_ended_and_told_at_every_sweep()
    {
        var (ids, keyId) = await SeedAsync();
        var sessions = new OpenSessions();
        var ends = new Dictionary<string, Ends>();
        foreach (var id in ids)
        {
            for (var i = 0; i < 100; i++)
            {
                var end = ends.TryGetValue(id, out var e) ? e : ends[id] = new Ends();
                sessions.Register(new SessionCredentials(id, "stamp-" + id, "Viewer", null), end);
            }
        }

        var keyEnd = new Ends();
        sessions.Register(new SessionCredentials(ids[0], null, "Viewer", keyId), keyEnd);
        var sweep = Sweep(sessions);
        Assert.Equal(0, await sweep.SweepOnceAsync(Ct));

        await using (var db = Context())
        {
            var user = await db.Users.SingleAsync(u => u.Id == ids[1], Ct);
            user.SecurityStamp = "signed out";
            (await db.ApiKeys.SingleAsync(k => k.Id == keyId, Ct)).RevokedAt = _time.GetUtcNow();
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal(101, await sweep.SweepOnceAsync(Ct));
        Assert.Equal((0, 100, 0, 1), (ends[ids[0]].Count, ends[ids[1]].Count, ends[ids[2]].Count, keyEnd.Count));
        Assert.Equal([SessionChecks.SignedOut], ends[ids[1]].Reasons.Distinct());
        Assert.Equal([SessionChecks.KeyRevoked], keyEnd.Reasons);

        // Still open at the next sweep (a client that ignored it): told again, so the connection can be cut.
        Assert.Equal(101, await sweep.SweepOnceAsync(Ct));
        Assert.Equal(200, ends[ids[1]].Count);
    }

    [Fact]
    public async Task The_first_starts_local_admin_sessions_end_once_an_account_exists_and_not_before()
    {
        await using (var db = Context())
        {
            await db.Database.EnsureCreatedAsync(Ct);
        }

        var sessions = new OpenSessions();
        var local = new Ends();
        for (var i = 0; i < 3; i++)
        {
            sessions.Register(SessionCredentials.Of(FirstStartAccess.Principal()), local);
        }

        var sweep = Sweep(sessions);
        Assert.Equal(0, await sweep.SweepOnceAsync(Ct));
        Assert.Equal(0, local.Count);

        var (ids, _) = await SeedAsync();
        var account = new Ends();
        sessions.Register(new SessionCredentials(ids[0], "stamp-" + ids[0], "Viewer", null), account);
        _time.Advance(AccountPresence.RecheckInterval);

        Assert.Equal(3, await sweep.SweepOnceAsync(Ct));
        Assert.Equal([SessionChecks.FirstStartOver], local.Reasons.Distinct());
        Assert.Equal(0, account.Count);
    }

    private async Task<int> CommandsOfOneSweepAsync(List<string> ids, long keyId, int perAccount)
    {
        var sessions = new OpenSessions();
        foreach (var id in ids)
        {
            for (var i = 0; i < perAccount; i++)
            {
                sessions.Register(new SessionCredentials(id, "stamp-" + id, "Viewer", null), new Ends());
            }
        }

        sessions.Register(new SessionCredentials(ids[0], null, "Viewer", keyId), new Ends());
        var before = _commands.Count;
        Assert.Equal(0, await Sweep(sessions).SweepOnceAsync(Ct));
        return _commands.Count - before;
    }

    private SessionSweep Sweep(OpenSessions sessions) => new(
        sessions,
        new SessionStateReader(new Factory(Context)),
        new AccountPresence(new Factory(Context), new AccessTokens(Options.Create(new ApiOptions())), _time, NullLogger<AccountPresence>.Instance),
        new RecentAccountChanges(_time),
        Options.Create(new AccountOptions()),
        _time,
        NullLogger<SessionSweep>.Instance);

    private async Task<(List<string> Ids, long KeyId)> SeedAsync()
    {
        await using var db = Context();
        await db.Database.EnsureCreatedAsync(Ct);
        var role = new IdentityRole("Viewer") { NormalizedName = "VIEWER" };
        db.Roles.Add(role);
        var ids = new List<string>();
        foreach (var name in new[] { "ann", "bea", "cem" })
        {
            var user = new IdentityUser(name) { NormalizedUserName = name.ToUpperInvariant() };
            user.SecurityStamp = "stamp-" + user.Id;
            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<string> { UserId = user.Id, RoleId = role.Id });
            ids.Add(user.Id);
        }

        var key = new ApiKeyRow { OwnerId = ids[0], Name = "ci", Scopes = "read", Prefix = "ap_test", SecretHash = new byte[32], CreatedAt = _time.GetUtcNow() };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(Ct);
        return (ids, key.Id);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    private sealed class Ends : ISessionEnd
    {
        public List<string> Reasons { get; } = [];

        public int Count => Reasons.Count;

        public void End(string reason)
        {
            lock (Reasons)
            {
                Reasons.Add(reason);
            }
        }
    }

    private sealed class Factory(Func<AnimeProgressDbContext> create) : IDbContextFactory<AnimeProgressDbContext>
    {
        public AnimeProgressDbContext CreateDbContext() => create();
    }

    /// <summary>Counts every command EF Core sends to the database.</summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecuting(command, eventData, result);
        }
    }
}
