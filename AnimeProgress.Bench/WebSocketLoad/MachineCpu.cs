using System.Globalization;

namespace AnimeProgress.Bench.WebSocketLoad;

/// <summary>Busy CPU seconds of the whole machine (all cores), from /proc/stat: to tell how much other work ran during a window.</summary>
internal static class MachineCpu
{
    private const double ClockTicksPerSecond = 100;

    public static double? BusySeconds()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
            var total = fields.Take(8).Sum();
            return (total - fields[3] - fields[4]) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
