using System.Globalization;
using AnimeProgress.Bench.ListenLatency;

namespace AnimeProgress.Bench.RelayConformance;

/// <summary>
/// <c>relay-conformance</c> (issue 17): the conformance test's client sessions against the real ComfyUI, by hand, not
/// in CI (the real server cannot be installed there; shared/tools/real-comfyui). Two servers started from the same
/// state (a ComfyUI keeps a node cache and an output counter): the sessions run straight against <c>--direct</c>, then
/// through the app (as its own process, on a fresh data folder) relaying to <c>--behind</c> as instance <c>real</c>.
/// Prints a verdict per session and its first differing line, and whether the relayed job showed step percent on the
/// dashboard while it ran. Exit code 0 when all holds, 1 otherwise, 2 on bad arguments.
/// </summary>
internal sealed class RelayConformanceCommand : IBenchCommand
{
    private const string Instance = "real";

    public string Name => "relay-conformance";

    public string Usage => "--direct http://127.0.0.1:8188 --behind http://127.0.0.1:8189 [--timeout 300] [--app <AnimeProgress.Web.dll>]";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = Parse(args);
        if (options is null)
        {
            output.WriteLine($"usage: relay-conformance {Usage}");
            return 2;
        }

        string appDll;
        try
        {
            appDll = WebAppProcess.Locate(options.Value.App);
        }
        catch (FileNotFoundException ex)
        {
            output.WriteLine($"relay-conformance: {ex.Message}");
            return 2;
        }

        var (direct, behind, timeout, _) = options.Value;
        await using var app = WebAppProcess.Start(appDll, new Dictionary<string, string>
        {
            [$"AnimeProgress:ComfyUi:Instances:0:Name"] = Instance,
            [$"AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = behind.ToString(),
        });
        // A fresh data folder: no account and no key yet, so the relay and the API are open (as on a first start).
        await app.WaitReadyAsync(TimeSpan.FromSeconds(180), cancellationToken);
        var relay = new Uri(app.Url, $"comfyui/{Instance}/");
        output.WriteLine($"relay-conformance: direct {direct}, relayed {relay} -> {behind}");

        var straight = await ConformanceSessions.RunAsync(direct, timeout, cancellationToken);
        IReadOnlyList<SessionTranscript> relayed;
        IReadOnlyList<(string Status, double Percent)> percents, interrupted;
        int samplerFailures;
        await using (var sampler = new DashboardPercentSampler(app.Url, TimeSpan.FromMilliseconds(50)))
        {
            sampler.Start();
            relayed = await ConformanceSessions.RunAsync(relay, timeout, cancellationToken);
            // The job's end reaches the dashboard a moment after the client's last frame.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            percents = sampler.For(ConformanceSessions.PromptA);
            interrupted = sampler.For(ConformanceSessions.PromptB);
            samplerFailures = sampler.Failures;
        }

        var passed = true;
        for (var i = 0; i < straight.Count; i++)
        {
            passed &= Compare(output, straight[i], relayed[i]);
        }

        passed &= Expectations(output, straight);

        var stepPercent = percents.Where(p => p.Status == "processing" && p.Percent is > 0 and < 100).ToList();
        var shown = stepPercent.Count > 0 && percents.Any(p => p.Status == "completed" && p.Percent >= 100);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(shown ? "PASS" : "FAIL")} dashboard: relayed job {ConformanceSessions.PromptA} showed {stepPercent.Count} step percents between 0 and 100 while processing ({DashboardPercentSampler.Describe(percents)}); {samplerFailures} failed polls"));
        var cancelled = interrupted.Any(p => p.Status == "cancelled");
        output.WriteLine($"{(cancelled ? "PASS" : "FAIL")} dashboard: interrupted job {ConformanceSessions.PromptB}: {DashboardPercentSampler.Describe(interrupted)}");
        passed &= shown && cancelled;
        if (app.HasExited)
        {
            output.WriteLine("the app exited during the run:" + Environment.NewLine + app.Tail());
            passed = false;
        }

        output.WriteLine(passed ? "relay-conformance: PASS" : "relay-conformance: FAIL");
        return passed ? 0 : 1;
    }

    private static bool Compare(TextWriter output, SessionTranscript direct, SessionTranscript relayed)
    {
        var http = FirstDifference(direct.Http, relayed.Http);
        var frames = FirstDifference(direct.Frames, relayed.Frames);
        var same = http is null && frames is null;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(same ? "PASS" : "FAIL")} {direct.Name}: {direct.Http.Count} HTTP answers, {direct.Frames.Count} frames direct; {relayed.Http.Count} and {relayed.Frames.Count} relayed"));
        foreach (var (what, difference) in new[] { ("HTTP", http), ("frames", frames) })
        {
            if (difference is { } d)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  first {what} difference at line {d.Index}:"));
                output.WriteLine($"    direct:  {Clip(d.Direct)}");
                output.WriteLine($"    relayed: {Clip(d.Relayed)}");
            }
        }

        return same;
    }

    /// <summary>The sessions saw what they were written to see, so that equal transcripts mean something.</summary>
    private static bool Expectations(TextWriter output, IReadOnlyList<SessionTranscript> direct)
    {
        var (script, frontend, reconnecting) = (direct[0].Frames, direct[1].Frames, direct[2].Frames);
        (string What, bool Held)[] checks =
        [
            ("the script got step progress for its job", script.Any(f => f.StartsWith("progress ", StringComparison.Ordinal) && f.Contains(ConformanceSessions.PromptA, StringComparison.Ordinal))),
            ("the script got plain previews (binary type 1)", script.Any(f => f.StartsWith("binary type 1,", StringComparison.Ordinal))),
            ("the script saw none of the other clients' jobs", !script.Any(f => f.Contains(ConformanceSessions.PromptB, StringComparison.Ordinal) || f.Contains(ConformanceSessions.PromptC, StringComparison.Ordinal))),
            ("the script fetched its image with /view", direct[0].Http.Any(h => h.StartsWith("GET /view?", StringComparison.Ordinal) && h.Contains(" 200 image/png ", StringComparison.Ordinal))),
            ("the frontend negotiated preview metadata", frontend.Any(f => f.StartsWith("feature_flags ", StringComparison.Ordinal))),
            ("the frontend's job was interrupted", frontend.Any(f => f.StartsWith("execution_interrupted ", StringComparison.Ordinal))),
            ("the reconnecting script got executing {node} after its greeting", reconnecting.SkipWhile(f => f != "-- reconnect --").Skip(2).FirstOrDefault() == "executing {\"node\":\"2\"}"),
        ];
        foreach (var (what, held) in checks)
        {
            output.WriteLine($"{(held ? "PASS" : "FAIL")} direct run: {what}");
        }

        return checks.All(c => c.Held);
    }

    private static (int Index, string Direct, string Relayed)? FirstDifference(IReadOnlyList<string> direct, IReadOnlyList<string> relayed)
    {
        for (var i = 0; i < Math.Max(direct.Count, relayed.Count); i++)
        {
            var a = i < direct.Count ? direct[i] : "(none)";
            var b = i < relayed.Count ? relayed[i] : "(none)";
            if (a != b)
            {
                return (i, a, b);
            }
        }

        return null;
    }

    private static string Clip(string line) => line.Length <= 400 ? line : line[..400] + "…";

    private static (Uri Direct, Uri Behind, TimeSpan Timeout, string? App)? Parse(string[] args)
    {
        Uri? direct = null, behind = null;
        string? app = null;
        var timeout = TimeSpan.FromSeconds(300);
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--direct" when Uri.TryCreate(WithSlash(value), UriKind.Absolute, out var d):
                    direct = d;
                    break;
                case "--behind" when Uri.TryCreate(WithSlash(value), UriKind.Absolute, out var b):
                    behind = b;
                    break;
                case "--timeout" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0:
                    timeout = TimeSpan.FromSeconds(s);
                    break;
                case "--app" when value is not null:
                    app = value;
                    break;
                default:
                    return null;
            }
        }

        return direct is null || behind is null ? null : (direct, behind, timeout, app);
    }

    private static string? WithSlash(string? url) => url is null || url.EndsWith('/') ? url : url + "/";
}
