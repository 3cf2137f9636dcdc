using System.Net;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Limits;

namespace AnimeProgress.IntegrationTests.Web.Edge;

/// <summary>
/// What the edge tests send: requests from a chosen loopback address (a proxy at 127.0.0.1, another machine at
/// 127.0.0.2) with the Host, Origin and X-Forwarded-* headers a proxy, a browser or an attacker would send.
/// </summary>
internal static class EdgeClients
{
    /// <summary>A studio host name that is configured as a public origin in these tests.</summary>
    public const string PublicOrigin = "https://progress.studio.example";

    public const string PublicHost = "progress.studio.example";

    /// <summary>Sends GET <paramref name="path"/> from <paramref name="from"/> with these headers (Host included).</summary>
    public static Task<HttpResponseMessage> GetAsync(Uri baseAddress, string path, IPAddress? from = null, IDictionary<string, string>? headers = null) =>
        SendAsync(baseAddress, HttpMethod.Get, path, from, headers);

    public static async Task<HttpResponseMessage> SendAsync(Uri baseAddress, HttpMethod method, string path, IPAddress? from = null, IDictionary<string, string>? headers = null)
    {
        using var http = ClientAddresses.Http(baseAddress, from ?? ClientAddresses.First);
        using var request = Request(method, path, headers);
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// A WebSocket opening handshake as a browser sends it (GET with Upgrade), answered with 101 when the server takes
    /// it or with its refusal and body. The connection is dropped afterwards; only the answer matters.
    /// </summary>
    public static async Task<(HttpStatusCode Status, string Body)> UpgradeAsync(Uri baseAddress, string path, IDictionary<string, string> headers)
    {
        var withUpgrade = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase)
        {
            ["Connection"] = "Upgrade",
            ["Upgrade"] = "websocket",
            ["Sec-WebSocket-Version"] = "13",
            ["Sec-WebSocket-Key"] = Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
        };
        using var http = ClientAddresses.Http(baseAddress, ClientAddresses.First);
        using var request = Request(HttpMethod.Get, path, withUpgrade);
        // Headers only: after a 101 the body is the WebSocket itself and never ends.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var body = response.StatusCode == HttpStatusCode.SwitchingProtocols ? "" : await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, body);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, IDictionary<string, string>? headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return request;
    }

    /// <summary>
    /// The built app as its own process in Production (the only environment that sends HSTS), settings given with
    /// ':' as in appsettings.json and passed as environment variables the way an operator would.
    /// </summary>
    public static Task<AppServerProcess> StartProductionAsync(IDictionary<string, string> settings) =>
        AppServerProcess.StartAsync(
            settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value),
            TestContext.Current.CancellationToken);

    /// <summary>The one value of a response header, or null when the response has none.</summary>
    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}
