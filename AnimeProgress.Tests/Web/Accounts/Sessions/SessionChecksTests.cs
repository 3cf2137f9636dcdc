using AnimeProgress.Web.Accounts.Sessions;

namespace AnimeProgress.Tests.Web.Accounts.Sessions;

/// <summary>Which open sessions the sweep ends, and why, from what they came in with and what the database says now.</summary>
public sealed class SessionChecksTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, AccountState> Accounts = new(StringComparer.Ordinal)
    {
        ["u1"] = new AccountState("stamp-1", null, "Operator"),
        ["u2"] = new AccountState("stamp-2", Now.AddMinutes(5), "Viewer"),
        ["u3"] = new AccountState("stamp-3", Now.AddMinutes(-5), "Viewer"),
    };

    private static readonly Dictionary<long, KeyState> Keys = new()
    {
        [1] = new KeyState(null, null),
        [2] = new KeyState(Now.AddSeconds(-1), null),
        [3] = new KeyState(null, Now),
        [4] = new KeyState(null, Now.AddDays(1)),
    };

    public static TheoryData<string, string?, string, long?, string?> Cases() => new()
    {
        { "u1", "stamp-1", "Operator", null, null },
        { "u1", "old-stamp", "Operator", null, SessionChecks.SignedOut },
        { "u1", "stamp-1", "Viewer", null, SessionChecks.RoleChanged },
        { "u1", "stamp-1", "Admin,Operator", null, SessionChecks.RoleChanged },
        { "u2", "stamp-2", "Viewer", null, SessionChecks.AccountLocked },
        { "u3", "stamp-3", "Viewer", null, null }, // a lockout that has ended
        { "gone", "stamp", "Viewer", null, SessionChecks.AccountDeleted },
        { "u1", null, "Operator", 1, null }, // a key has no stamp: the owner signing out does not end it
        { "u1", null, "Operator", 2, SessionChecks.KeyRevoked },
        { "u1", null, "Operator", 3, SessionChecks.KeyExpired },
        { "u1", null, "Operator", 4, null },
        { "u1", null, "Operator", 99, SessionChecks.KeyRevoked }, // the row is gone
        { "u2", null, "Viewer", 1, SessionChecks.AccountLocked }, // the owner is locked
        { "u1", null, "Viewer", 1, SessionChecks.RoleChanged },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_session_ends_only_when_what_let_it_in_changed(string userId, string? stamp, string roles, long? keyId, string? expected) =>
        Assert.Equal(expected, SessionChecks.Reason(new SessionCredentials(userId, stamp, roles, keyId), Accounts, Keys, Now));

    [Fact]
    public void Every_reason_fits_a_websocket_close_frame() =>
        Assert.All(
            new[] { SessionChecks.KeyRevoked, SessionChecks.KeyExpired, SessionChecks.AccountDeleted, SessionChecks.AccountLocked, SessionChecks.SignedOut, SessionChecks.RoleChanged },
            r => Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(r), 1, 123));
}
