using System.Net;

namespace AnimeProgress.Bench.SignedInProxy;

/// <summary>
/// The cookies one browser keeps for the app: sent with every request, and replaced when an answer sets them again.
/// The app renews a session cookie once its check interval has passed; a browser stores the renewed one, so the check
/// runs once per interval, not on every request that follows.
/// </summary>
internal sealed class BrowserCookieJar(Uri target, CookieContainer cookies)
{
    public string Header => cookies.GetCookieHeader(target);

    public void Accept(IEnumerable<string> setCookieHeaders)
    {
        foreach (var header in setCookieHeaders)
        {
            cookies.SetCookies(target, header);
        }
    }
}
