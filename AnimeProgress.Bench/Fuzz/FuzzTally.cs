using System.Diagnostics;
using System.Globalization;

namespace AnimeProgress.Bench.Fuzz;

/// <summary>What one fuzz target saw: inputs, rejections, crashes (exceptions that escaped), time and peak managed heap.</summary>
internal sealed class FuzzTally(string target)
{
    private readonly Stopwatch _clock = new();

    public string Target => target;

    public long Inputs { get; private set; }

    public long Bytes { get; private set; }

    public long Rejected { get; set; }

    public long Crashes { get; private set; }

    public string? FirstCrash { get; private set; }

    public long PeakHeapBytes { get; private set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Start() => _clock.Start();

    public void Stop() => _clock.Stop();

    public void Count(int bytes)
    {
        Inputs++;
        Bytes += bytes;
        if (Inputs % 20_000 == 0)
        {
            PeakHeapBytes = Math.Max(PeakHeapBytes, GC.GetTotalMemory(forceFullCollection: false));
        }
    }

    public void Crash(Exception ex)
    {
        Crashes++;
        FirstCrash ??= ex.GetType().Name + ": " + ex.Message;
    }

    public string Line()
    {
        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv, $"| {target} | {Inputs:N0} | {Bytes / 1048576.0:N0} MiB | {Rejected:N0} | {Crashes} | {PeakHeapBytes / 1048576.0:N0} MiB | {Elapsed.TotalSeconds:N1} s | {Inputs / Math.Max(Elapsed.TotalSeconds, 0.001):N0}/s |");
    }
}
