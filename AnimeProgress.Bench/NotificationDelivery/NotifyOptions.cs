using System.Globalization;

namespace AnimeProgress.Bench.NotificationDelivery;

/// <summary>What to run: which phases, how many outcomes a second the demo makes, and how the slow receiver behaves.</summary>
internal sealed class NotifyOptions
{
    public bool Healthy { get; private set; } = true;

    public bool Slow { get; private set; } = true;

    /// <summary>Jobs the app's demo submits per second (its <c>SubmitInterval</c> is the inverse); each ends in one outcome event.</summary>
    public double Rate { get; private set; } = 4;

    /// <summary>Share of the demo's jobs told (through ComfyUI's extra_data) to fail.</summary>
    public double FailureRate { get; private set; } = 0.2;

    /// <summary>Healthy phase: outcome events measured after the warm-up.</summary>
    public int Events { get; private set; } = 300;

    /// <summary>Events that happened before this many seconds after the app was ready are not measured (JIT, first connections).</summary>
    public int WarmupSeconds { get; private set; } = 15;

    /// <summary>Slow phase: how long the receiver waits before it answers each request.</summary>
    public double DelaySeconds { get; private set; } = 3;

    /// <summary>Slow phase: requests the receiver works on at once (the rest wait for a turn); 0 for no limit.</summary>
    public int ReceiverConcurrency { get; private set; }

    /// <summary>Slow phase: how long it runs.</summary>
    public double Minutes { get; private set; } = 3;

    /// <summary>The slow phase's rule folds more than this many events a minute into a digest; null: no digest.</summary>
    public int? DigestAfter { get; private set; }

    public int SampleSeconds { get; private set; } = 5;

    /// <summary>The demo's emulated GPUs: how many, and how fast their work runs (1 = a real GPU's timings).</summary>
    public int Instances { get; private set; } = 4;

    public double TimeScale { get; private set; } = 0.01;

    /// <summary>Run the emulated GPUs in the bench's process, not the app's (<see cref="SeparateEmulators"/>).</summary>
    public bool SeparateEmulators { get; private set; }

    /// <summary>
    /// <c>AnimeProgress:Tracking:MaxFinishedRetained</c> for the app (null: its default, 500): the finished jobs it keeps
    /// in memory for the dashboard fill up over the first minutes at these rates, which hides what the outbox costs.
    /// </summary>
    public int? Retained { get; private set; }

    public string? App { get; private set; }

    public static bool TryParse(string[] args, out NotifyOptions options, out string? problem)
    {
        options = new NotifyOptions();
        problem = null;
        var inv = CultureInfo.InvariantCulture;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--phase" when value is "healthy" or "slow" or "both":
                    options.Healthy = value != "slow";
                    options.Slow = value != "healthy";
                    break;
                case "--rate" when double.TryParse(value, inv, out var r) && r is > 0 and <= 100:
                    options.Rate = r;
                    break;
                case "--failure-rate" when double.TryParse(value, inv, out var f) && f is >= 0 and <= 1:
                    options.FailureRate = f;
                    break;
                case "--events" when int.TryParse(value, inv, out var e) && e > 0:
                    options.Events = e;
                    break;
                case "--warmup" when int.TryParse(value, inv, out var w) && w >= 0:
                    options.WarmupSeconds = w;
                    break;
                case "--delay" when double.TryParse(value, inv, out var d) && d is >= 0 and <= 60:
                    options.DelaySeconds = d;
                    break;
                case "--receiver-concurrency" when int.TryParse(value, inv, out var c) && c >= 0:
                    options.ReceiverConcurrency = c;
                    break;
                case "--minutes" when double.TryParse(value, inv, out var m) && m is > 0 and <= 60:
                    options.Minutes = m;
                    break;
                case "--digest-after" when int.TryParse(value, inv, out var g) && g > 0:
                    options.DigestAfter = g;
                    break;
                case "--sample" when int.TryParse(value, inv, out var s) && s > 0:
                    options.SampleSeconds = s;
                    break;
                case "--instances" when int.TryParse(value, inv, out var n) && n is >= 1 and <= 8:
                    options.Instances = n;
                    break;
                case "--time-scale" when double.TryParse(value, inv, out var t) && t is > 0 and <= 1:
                    options.TimeScale = t;
                    break;
                case "--retained" when int.TryParse(value, inv, out var k) && k is >= 0 and <= 100_000:
                    options.Retained = k;
                    break;
                case "--separate-emulators":
                    options.SeparateEmulators = true;
                    i--; // a switch: no value follows
                    break;
                case "--app" when !string.IsNullOrWhiteSpace(value):
                    options.App = value;
                    break;
                default:
                    problem = $"notify: cannot read '{args[i]}'" + (value is null ? "" : $" {value}");
                    return false;
            }

            i++;
        }

        return true;
    }
}
