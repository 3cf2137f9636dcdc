using System.Net;
using System.Text.RegularExpressions;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Cli;

namespace AnimeProgress.IntegrationTests.Web.Accounts;

/// <summary>
/// What a browser does with the sign-in pages, over plain HTTP: keeps cookies, does not follow redirects (the tests
/// read them), can come "from elsewhere" through a trusted proxy (X-Forwarded-For), and posts forms with the
/// antiforgery token the page carries.
/// </summary>
internal sealed partial class Browser : IDisposable
{
    private readonly HttpClient _http;

    public Browser(AppHost app, string? forwardedFor = null)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true }) { BaseAddress = app.BaseAddress };
        if (forwardedFor is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _http;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative), Ct);

    public async Task<string> TextAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {response.Headers.Location}");
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>/readyz as JSON, whatever its status code (503 while nothing is tracked).</summary>
    public async Task<System.Text.Json.Nodes.JsonObject> ReadinessAsync()
    {
        using var response = await GetAsync("/readyz");
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
    }

    /// <summary>The antiforgery token of a page's form (the cookie half lands in <see cref="Cookies"/>).</summary>
    public async Task<string> FormTokenAsync(string page) =>
        TokenPattern().Match(await TextAsync(page)) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : throw new InvalidOperationException($"{page} has no antiforgery token");

    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        return await _http.PostAsync(new Uri(path, UriKind.Relative), content, Ct);
    }

    /// <summary>Fills in the sign-in form as a person would; the answer is the redirect.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string name, string password, string returnUrl = "/") =>
        await PostFormAsync("/account/login",
        [
            new("userName", name), new("password", password), new("returnUrl", returnUrl), new("__RequestVerificationToken", await FormTokenAsync("/login")),
        ]);

    public async Task SignInOrFailAsync(string name, string password)
    {
        using var response = await SignInAsync(name, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    public bool HasSessionCookie(Uri baseAddress) => Cookies.GetCookies(baseAddress)["AnimeProgress.Session"] is not null;

    public void Dispose() => _http.Dispose();

    /// <summary>Creates an account with the CLI, in-process, against the app's own database (the password on "stdin").</summary>
    public static async Task AddUserAsync(AppHost app, string name, string role, string password)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await UsersCommand.RunAsync(
            ["add", name, "--role", role, $"--ConnectionStrings:AnimeProduction=Data Source={app.DatabaseFile}"],
            PasswordPrompt.FromText(new StringReader(password + "\n")), output, error, Ct);
        Assert.True(code == 0, output.ToString() + error);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
