using System.Text.Json;
using Microsoft.Playwright;

namespace AnimeProgress.Bench.BrowserLatency;

/// <summary>
/// Watches a dashboard page in Chromium and notes every change of a job card's progress bar (<c>aria-valuenow</c>) with
/// the browser's clock, brought onto the bench's Unix-millisecond clock by the offset measured at the start: the screen
/// side of event → DOM. The observer is the benchmark's probe (run through Playwright), not part of the product.
/// </summary>
internal sealed class DomChangeRecorder
{
    private const string Install = """
        () => {
          window.__benchChanges = [];
          new MutationObserver(records => {
            const t = performance.timeOrigin + performance.now();
            for (const r of records) {
              const card = r.target.closest && r.target.closest('.job-card');
              if (card && r.target.getAttribute('role') === 'progressbar') {
                const where = card.querySelector('.job-card__where dd');
                window.__benchChanges.push({ where: where ? where.textContent : '', value: r.target.getAttribute('aria-valuenow'), t });
              }
            }
          }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'] });
        }
        """;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly IPage _page;
    private double _offsetMs;

    private DomChangeRecorder(IPage page) => _page = page;

    /// <summary>The browser clock minus the bench's, and the round trip it was measured within (the offset's uncertainty is half of it).</summary>
    public (double OffsetMs, double RoundTripMs) Clock { get; private set; }

    public static async Task<DomChangeRecorder> StartAsync(IPage page)
    {
        var recorder = new DomChangeRecorder(page);
        await recorder.MeasureClockAsync();
        await page.EvaluateAsync(Install);
        return recorder;
    }

    /// <summary>The changes so far, in the bench's clock.</summary>
    public async Task<IReadOnlyList<DomChange>> ChangesAsync()
    {
        var json = await _page.EvaluateAsync<string>("() => JSON.stringify(window.__benchChanges || null)");
        var raw = JsonSerializer.Deserialize<List<RawChange>>(json, JsonOptions)
            ?? throw new InvalidOperationException("The page lost the change recorder (it was reloaded).");
        return [.. raw.Select(c => new DomChange(c.Where, c.T - _offsetMs))];
    }

    private async Task MeasureClockAsync()
    {
        // The sample with the shortest round trip bounds the offset best.
        var best = (Offset: 0.0, RoundTrip: double.MaxValue);
        for (var i = 0; i < 30; i++)
        {
            var before = UnixClock.NowMs();
            var browser = await _page.EvaluateAsync<double>("() => performance.timeOrigin + performance.now()");
            var after = UnixClock.NowMs();
            if (after - before < best.RoundTrip)
            {
                best = (browser - (before + after) / 2, after - before);
            }
        }

        _offsetMs = best.Offset;
        Clock = best;
    }

    private sealed record RawChange(string Where, string? Value, double T);
}

/// <summary>A job card's bar changed on the card placed at <see cref="Where"/>, at <see cref="AtMs"/> (Unix milliseconds).</summary>
internal sealed record DomChange(string Where, double AtMs);
