using System.Net;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// Sign-in attempts are limited per client address (issue 14: lockout is per account, so one address could otherwise
/// try a password on every account): past the allowance the form post goes back to the sign-in page, which says to wait,
/// and no password is checked; another address keeps its own allowance.
/// </summary>
public sealed class SignInThrottleTests
{
    private const string Password = "a long enough password 1";
    private const string Attacker = "203.0.113.7";
    private const string Colleague = "198.51.100.20";

    [Fact]
    public async Task An_address_past_its_allowance_is_sent_back_to_wait_and_others_still_sign_in()
    {
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Network:TrustedProxies:0"] = "127.0.0.1",
            ["AnimeProgress:Limits:Requests:ExemptLoopback"] = "false",
            ["AnimeProgress:Limits:Requests:SignInPermitsPerWindow"] = "3",
            ["AnimeProgress:Limits:Requests:SignInWindow"] = "01:00:00",
        });
        await Browser.AddUserAsync(app, "ada", "Viewer", Password);
        await Browser.AddUserAsync(app, "ben", "Viewer", Password);

        using var attacker = new Browser(app, Attacker);
        // Three wrong guesses on three accounts are ordinary failures...
        foreach (var name in new[] { "ada", "ben", "cyd" })
        {
            using var failed = await attacker.SignInAsync(name, "wrong password 123");
            Assert.Equal(HttpStatusCode.Redirect, failed.StatusCode);
            Assert.StartsWith("/login?failed=true", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        // ...the fourth attempt, even with the right password, is not checked: back to the page, told to wait.
        using (var throttled = await attacker.SignInAsync("ben", Password))
        {
            Assert.Equal(HttpStatusCode.SeeOther, throttled.StatusCode);
            Assert.Equal("/login?throttled=true", throttled.Headers.Location!.OriginalString);
            Assert.InRange(throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
            Assert.False(attacker.HasSessionCookie(app.BaseAddress));
        }

        Assert.Contains("Too many sign-in attempts from this address", await attacker.TextAsync("/login?throttled=true"), StringComparison.Ordinal);

        // A lockout would be per account; this is per address: ben signs in from his own desk at once.
        using var colleague = new Browser(app, Colleague);
        await colleague.SignInOrFailAsync("ben", Password);
        Assert.True(colleague.HasSessionCookie(app.BaseAddress));
    }

    [Fact]
    public async Task Loopback_is_exempt_by_default()
    {
        await using var app = AppHost.Start(new Dictionary<string, string?>
        {
            ["AnimeProgress:Demo:Enabled"] = "false",
            ["AnimeProgress:Limits:Requests:SignInPermitsPerWindow"] = "1",
        });
        await Browser.AddUserAsync(app, "ada", "Viewer", Password);

        using var browser = new Browser(app);
        using (var failed = await browser.SignInAsync("ada", "wrong password 123"))
        {
            Assert.StartsWith("/login?failed=true", failed.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        await browser.SignInOrFailAsync("ada", Password);
    }
}
