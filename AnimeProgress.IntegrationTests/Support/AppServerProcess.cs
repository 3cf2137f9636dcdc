using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AnimeProgress.IntegrationTests.Support;

/// <summary>
/// The built app running as its own process on a free loopback port, for tests that must kill a node the way
/// a crash would (its database sessions end, its locks with them).
/// </summary>
internal sealed class AppServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _data;

    private AppServerProcess(Process process, Uri baseAddress, string data)
    {
        _process = process;
        BaseAddress = baseAddress;
        _data = data;
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far (for assertion messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<AppServerProcess> StartAsync(IDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var data = Directory.CreateTempSubdirectory("animeprogress-node-").FullName;
        var process = Process.Start(AppProcess.StartInfo(["--urls", $"http://127.0.0.1:{port}"], environment, data))!;
        var app = new AppServerProcess(process, new Uri($"http://127.0.0.1:{port}/"), data);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.True(() => !process.HasExited && IsUp(http), TimeSpan.FromSeconds(60), "the node answering /healthz");
        _ = cancellationToken;
        return app;
    }

    /// <summary>Ends the process at once, as a crash or an OOM kill would.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static bool IsUp(HttpClient http)
    {
        try
        {
            using var response = http.GetAsync("healthz").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
