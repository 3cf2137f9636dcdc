namespace AnimeProgress.Web.Hosting;

/// <summary>
/// <c>dotnet AnimeProgress.Web.dll healthcheck [url]</c>: the container's HEALTHCHECK. The runtime
/// image has no curl or wget, and a probe in the app itself needs nothing extra installed.
/// </summary>
public static class HealthProbe
{
    public const string Command = "healthcheck";
    public const string DefaultUrl = "http://127.0.0.1:8080/healthz";

    public static async Task<int> RunAsync(string? url, TextWriter output, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri(url ?? DefaultUrl), cancellationToken);
            await output.WriteLineAsync($"{(int)response.StatusCode} {response.ReasonPhrase}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await output.WriteLineAsync("unhealthy: " + ex.Message);
            return 1;
        }
    }
}
