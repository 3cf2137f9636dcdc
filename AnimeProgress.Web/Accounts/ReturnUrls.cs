namespace AnimeProgress.Web.Accounts;

/// <summary>
/// Where to go after signing in: only a path of this app. Anything else (another site, <c>//host</c>, <c>/\host</c>,
/// a scheme) becomes the dashboard, so the sign-in page cannot be used to send people to a look-alike site.
/// </summary>
public static class ReturnUrls
{
    public static string Safe(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl[0] != '/')
        {
            return "/";
        }

        if (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\'))
        {
            return "/";
        }

        return returnUrl.Any(char.IsControl) ? "/" : returnUrl;
    }
}
