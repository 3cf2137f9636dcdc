using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AnimeProgress.Bench.RelayConformance;

/// <summary>
/// Polls the app's <c>GET /api/jobs</c> (what the dashboard's job cards show) while the relayed sessions run and keeps,
/// per prompt, every (status, percent) it saw: a relayed job must show step percent while it runs, not an
/// indeterminate bar.
/// </summary>
internal sealed class DashboardPercentSampler(Uri app, TimeSpan interval) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, List<(string Status, double Percent)>> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Task? _loop;
    private int _failures;

    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);

    public IReadOnlyList<(string Status, double Percent)> For(string promptId)
    {
        lock (_gate)
        {
            return _seen.TryGetValue(promptId, out var list) ? [.. list] : [];
        }
    }

    public int Failures => _failures;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = app, Timeout = TimeSpan.FromSeconds(5) };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var page = await http.GetFromJsonAsync<JsonObject>("api/jobs?limit=50", cancellationToken);
                foreach (var job in page?["jobs"]?.AsArray() ?? [])
                {
                    if (job?["prompt_id"]?.GetValue<string>() is { } promptId)
                    {
                        Record(promptId, job["status"]!.GetValue<string>(), job["progress"]!.GetValue<double>());
                    }
                }

                await Task.Delay(interval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                Interlocked.Increment(ref _failures);
            }
        }
    }

    private void Record(string promptId, string status, double percent)
    {
        lock (_gate)
        {
            if (!_seen.TryGetValue(promptId, out var list))
            {
                _seen[promptId] = list = [];
            }

            if (list.Count == 0 || list[^1] != (status, percent))
            {
                list.Add((status, percent));
            }
        }
    }

    public static string Describe(IEnumerable<(string Status, double Percent)> samples) =>
        string.Join(", ", samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Status} {s.Percent:0.#}%")));
}
