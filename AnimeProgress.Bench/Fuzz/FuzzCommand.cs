using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Estimation;
using AnimeProgress.Core.Hub;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.Core.Previews;
using AnimeProgress.Core.Tracking;
using AnimeProgress.TestSupport.Fuzzing;
using AnimeProgress.Web.Api.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Bench.Fuzz;

/// <summary>
/// <c>fuzz [--frames 1000000] [--seed 13] [--huge 1048576]</c>: drives the real code with generated hostile input.
/// ComfyUI frames (the shared <see cref="ComfyUiFrameGrammar"/>) go through a real <see cref="ComfyUiConnection"/>'s
/// frame boundary into a real tracker; NOTIFY payloads through the listener's parser; /ws client messages through
/// the server's reader. Reports inputs, rejections, crashes (exceptions that escaped the code under test), peak
/// managed heap and process working set, time, and whether the instance still tracks a normal job afterwards.
/// Exit code 1 when anything crashed or the job was not tracked.
/// </summary>
internal sealed class FuzzCommand : IBenchCommand
{
    private const string Instance = "gpu-fuzz";

    private static readonly string[] Prompts = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"];

    public string Name => "fuzz";

    public string Usage => "[--frames 1000000] [--seed 13] [--huge 1048576]";

    public async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var inv = CultureInfo.InvariantCulture;
        long frames = 1_000_000;
        int seed = 13, huge = 1 << 20;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var ok = args[i] switch
            {
                "--frames" => long.TryParse(args[i + 1], inv, out frames) && frames > 0,
                "--seed" => int.TryParse(args[i + 1], inv, out seed),
                "--huge" => int.TryParse(args[i + 1], inv, out huge) && huge >= 8192,
                _ => false,
            };
            if (!ok)
            {
                output.WriteLine($"fuzz: bad option {args[i]} {args[i + 1]}");
                output.WriteLine($"usage: fuzz {Usage}");
                return 2;
            }
        }

        if (args.Length % 2 != 0)
        {
            output.WriteLine($"usage: fuzz {Usage}");
            return 2;
        }

        output.WriteLine(string.Create(inv, $"fuzz: {frames:N0} inputs per target, seed {seed}, huge strings up to {huge:N0} characters, {Environment.ProcessorCount} cores"));
        var time = TimeProvider.System;
        var hub = new ProgressHub(time);
        var tracker = new ProgressTracker(
            hub, new StageMap(), new StageAwareEtaModel(), new PreviewStore(), time, Options.Create(new TrackerOptions()), NullLogger<ProgressTracker>.Instance);
        using var httpClient = new HttpClient();
        var http = new ComfyUiHttpClient(httpClient, new ComfyUiInstance(Instance, new Uri("http://127.0.0.1:1/")));
        using var connection = new ComfyUiConnection(http, new FuzzObserver(tracker), new ComfyUiOptions(), time, NullLogger<ComfyUiConnection>.Instance);
        long nextId = 0;
        foreach (var prompt in Prompts)
        {
            Register(tracker, ++nextId, prompt);
        }

        var comfy = await FramesAsync(connection, tracker, frames, seed, huge, cancellationToken);
        var tracked = await StillTracksAsync(connection, tracker, hub, ++nextId, cancellationToken);
        var notify = Small(SmallJsonGrammar.Notify("anime_api"), frames, seed, "NOTIFY payloads", bytes =>
            !ListenerNotificationParser.TryParse(Encoding.UTF8.GetString(bytes), "anime_api", out _));
        var client = Small(SmallJsonGrammar.ClientMessages(), frames, seed, "/ws client messages", bytes =>
            ClientMessageReader.Read(bytes).Error is not null);

        using var process = Process.GetCurrentProcess();
        output.WriteLine();
        output.WriteLine("| target | inputs | bytes | rejected | crashes | peak managed heap | time | rate |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        output.WriteLine(comfy.Line());
        output.WriteLine(notify.Line());
        output.WriteLine(client.Line());
        output.WriteLine();
        output.WriteLine(string.Create(inv, $"peak working set of the process: {process.PeakWorkingSet64 / 1048576.0:N0} MiB; jobs tracked at the end: {hub.Jobs.Count}"));
        output.WriteLine($"a normal job after the storm: {(tracked ? "tracked to Completed" : "NOT tracked")}");
        foreach (var tally in new[] { comfy, notify, client }.Where(t => t.FirstCrash is not null))
        {
            output.WriteLine($"first crash in {tally.Target}: {tally.FirstCrash}");
        }

        return comfy.Crashes + notify.Crashes + client.Crashes == 0 && tracked ? 0 : 1;
    }

    private static async Task<FuzzTally> FramesAsync(
        ComfyUiConnection connection, ProgressTracker tracker, long frames, int seed, int huge, CancellationToken cancellationToken)
    {
        var grammar = new ComfyUiFrameGrammar(Prompts, huge);
        var random = new Random(seed);
        var tally = new FuzzTally("ComfyUI frames (connection → tracker)");
        tally.Start();
        for (long i = 0; i < frames && !cancellationToken.IsCancellationRequested; i++)
        {
            var frame = grammar.Next(random);
            tally.Count(frame.Bytes.Length);
            try
            {
                await connection.AcceptFrameAsync(frame.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, frame.Bytes, false, cancellationToken);
                if (i % 1000 == 0)
                {
                    tracker.Apply(new ClockTick());
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                tally.Crash(ex);
            }
        }

        tally.Stop();
        tally.Rejected = connection.RejectedFrames;
        return tally;
    }

    private static FuzzTally Small(SmallJsonGrammar grammar, long count, int seed, string target, Func<byte[], bool> rejects)
    {
        var random = new Random(seed);
        var tally = new FuzzTally(target);
        tally.Start();
        for (long i = 0; i < count; i++)
        {
            var (_, bytes) = grammar.Next(random);
            tally.Count(bytes.Length);
            try
            {
                if (rejects(bytes))
                {
                    tally.Rejected++;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                tally.Crash(ex);
            }
        }

        tally.Stop();
        return tally;
    }

    /// <summary>A job submitted after the storm goes queued → running → completed from ordinary frames.</summary>
    private static async Task<bool> StillTracksAsync(ComfyUiConnection connection, ProgressTracker tracker, ProgressHub hub, long id, CancellationToken cancellationToken)
    {
        Register(tracker, id, "after-the-storm");
        foreach (var json in new[]
        {
            """{"type":"execution_start","data":{"prompt_id":"after-the-storm"}}""",
            """{"type":"progress","data":{"value":10,"max":20,"prompt_id":"after-the-storm","node":"3"}}""",
            """{"type":"execution_success","data":{"prompt_id":"after-the-storm"}}""",
        })
        {
            await connection.AcceptFrameAsync(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(json), false, cancellationToken);
        }

        return hub.Find(id)?.Status == JobStatus.Completed;
    }

    private static void Register(ProgressTracker tracker, long id, string prompt)
    {
        var graph = new JsonObject
        {
            ["3"] = new JsonObject { ["class_type"] = "KSampler", ["inputs"] = new JsonObject { ["steps"] = 20 } },
            ["9"] = new JsonObject { ["class_type"] = "SaveImage", ["inputs"] = new JsonObject { ["images"] = new JsonArray("3", 0) } },
        };
        tracker.Apply(new RegisterJob(id, new JobRegistration("Fuzz job " + prompt, JobKind.Image, Instance, prompt, graph)));
        tracker.Apply(new SubmissionAccepted(id));
    }
}
