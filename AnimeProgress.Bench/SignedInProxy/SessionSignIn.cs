using System.Net;
using System.Text.RegularExpressions;

namespace AnimeProgress.Bench.SignedInProxy;

/// <summary>
/// Signs in through the app's own sign-in form, as a browser does (GET /login for the antiforgery token, POST
/// /account/login), and answers that browser's cookie jar.
/// </summary>
internal static partial class SessionSignIn
{
    public static async Task<BrowserCookieJar> SignInAsync(Uri target, string userName, string password, CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies, UseCookies = true })
        {
            BaseAddress = target,
        };

        var page = await http.GetStringAsync(new Uri("/login", UriKind.Relative), cancellationToken);
        var token = TokenPattern().Match(page) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"{target}login has no sign-in form (is there an account yet?)");

        using var form = new FormUrlEncodedContent(
        [
            new("userName", userName), new("password", password), new("returnUrl", "/"), new("__RequestVerificationToken", token),
        ]);
        using var answer = await http.PostAsync(new Uri("/account/login", UriKind.Relative), form, cancellationToken);

        // Success is a redirect to the return URL; every failure redirects back to the form with ?failed=true.
        var location = answer.Headers.Location?.OriginalString ?? "";
        if (answer.StatusCode != HttpStatusCode.Redirect || location != "/")
        {
            throw new InvalidOperationException($"sign-in as '{userName}' refused: {(int)answer.StatusCode} {location}");
        }

        return new BrowserCookieJar(target, cookies);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
