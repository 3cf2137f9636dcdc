using System.Net;
using AnimeProgress.IntegrationTests.Web.Accounts;

namespace AnimeProgress.IntegrationTests.Support.Oidc;

/// <summary>
/// The authorization-code flow as a browser goes through it, one redirect at a time so the tests can look at (and
/// tamper with) each step: the app's "Sign in with …" link, the provider's authorization endpoint, the app's
/// callback, the app's completion.
/// </summary>
internal static class SingleSignOnFlow
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Follows the sign-in page's single sign-on link; the answer is the redirect to the provider.</summary>
    public static async Task<Uri> StartAsync(Browser browser, string returnUrl = "/")
    {
        var page = await browser.TextAsync("/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        var link = System.Text.RegularExpressions.Regex.Match(page, "href=\"(/account/sso\\?[^\"]+)\"");
        Assert.True(link.Success, "the sign-in page has no single sign-on link");
        using var start = await browser.GetAsync(WebUtility.HtmlDecode(link.Groups[1].Value));
        Assert.True(start.StatusCode == HttpStatusCode.Found, $"GET /account/sso: {(int)start.StatusCode}");
        return start.Headers.Location!;
    }

    /// <summary>The provider's answer to the authorization request when <paramref name="user"/> is signed in there: the redirect back to the app.</summary>
    public static async Task<Uri> AuthorizeAsync(Browser browser, Uri authorize, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, authorize);
        request.Headers.Add(TestIdentityProvider.UserHeader, user);
        using var answer = await browser.Http.SendAsync(request, Ct);
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect || answer.StatusCode == HttpStatusCode.Found, $"provider answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(Ct)}");
        return answer.Headers.Location!;
    }

    /// <summary>Follows the app's redirects from the callback until one leaves the account endpoints; that last target.</summary>
    public static async Task<string> FinishAsync(Browser browser, Uri callback)
    {
        var next = callback;
        for (var hop = 0; hop < 5; hop++)
        {
            using var answer = await browser.Http.GetAsync(next, Ct);
            Assert.True(answer.StatusCode is HttpStatusCode.Found or HttpStatusCode.Redirect, $"GET {next}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(Ct)}");
            var location = answer.Headers.Location!;
            var target = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
            if (!target.StartsWith("/account/sso/complete", StringComparison.Ordinal))
            {
                return target;
            }

            next = new Uri(browser.Http.BaseAddress!, location);
        }

        throw new InvalidOperationException("too many redirects");
    }

    /// <summary>The whole flow for <paramref name="user"/>; where the app sends the browser at the end.</summary>
    public static async Task<string> SignInAsync(Browser browser, string user, string returnUrl = "/") =>
        await FinishAsync(browser, await AuthorizeAsync(browser, await StartAsync(browser, returnUrl), user));
}
