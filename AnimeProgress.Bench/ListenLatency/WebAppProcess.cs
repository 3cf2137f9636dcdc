using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AnimeProgress.Bench.ListenLatency;

/// <summary>
/// The web app as its own process, the way an operator runs it (<c>dotnet AnimeProgress.Web.dll</c>, Production,
/// settings through the environment), on a free loopback port. Its output is kept (the last lines) to explain
/// a failed start.
/// </summary>
internal sealed class WebAppProcess : IAsyncDisposable
{
    private const int KeptLines = 40;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly string _dataDirectory;
    private readonly bool _ownsData;

    private WebAppProcess(Process process, Uri url, string dataDirectory, bool ownsData)
    {
        _process = process;
        Url = url;
        _dataDirectory = dataDirectory;
        _ownsData = ownsData;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    /// <summary>The app's data folder (its SQLite file, when no PostgreSQL is configured).</summary>
    public string DataDirectory => _dataDirectory;

    public bool HasExited => _process.HasExited;

    /// <summary>The app next to this program (the Bench project references the web project), or <paramref name="appDll"/>.</summary>
    public static string Locate(string? appDll)
    {
        var path = appDll ?? Path.Combine(AppContext.BaseDirectory, "AnimeProgress.Web.dll");
        return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"The web app is not at {path}; build it or pass --app <AnimeProgress.Web.dll>.", path);
    }

    /// <summary>Starts the app; with <paramref name="dataDirectory"/> it uses (and leaves behind) that folder, e.g. to restart on the same database.</summary>
    public static WebAppProcess Start(string appDll, IReadOnlyDictionary<string, string> settings, string? dataDirectory = null)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var data = dataDirectory ?? Directory.CreateTempSubdirectory("animeprogress-listen-bench-").FullName;
        var start = new ProcessStartInfo("dotnet", [appDll, "--urls", url.GetLeftPart(UriPartial.Authority)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["AnimeProgress__Database__DataDirectory"] = data;
        // Request logging on every /readyz poll and warnings only: the app's console costs CPU otherwise.
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        return new WebAppProcess(process, url, data, ownsData: dataDirectory is null);
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200 (database reachable, every ComfyUI instance online).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        var last = "no answer";
        while (watch.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode} before it was ready:{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "timed out";
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"/readyz did not answer 200 within {timeout.TotalSeconds:F0} s (last: {last}):{Environment.NewLine}{Tail()}");
    }

    /// <summary>The app's last lines of output.</summary>
    public string Tail()
    {
        lock (_tail)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    /// <summary>SIGKILL, as a crash or an OOM kill: no graceful stop.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: a graceful stop, as an operator's service manager does; killed if it takes too long.
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                if (term is not null)
                {
                    await term.WaitForExitAsync();
                }
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        if (!_ownsData)
        {
            return;
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            while (_tail.Count > KeptLines)
            {
                _tail.Dequeue();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
