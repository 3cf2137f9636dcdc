using System.Net.WebSockets;
using System.Text;
using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Tests.Support;
using AnimeProgress.TestSupport.Fuzzing;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;

namespace AnimeProgress.Tests.Core.ComfyUi;

/// <summary>
/// Property tests through the real frame boundary (<see cref="ComfyUiConnection.AcceptFrameAsync"/>: parser, then
/// the tracker's fold): generated frames of every shape never throw, bad ones are counted, and the instance
/// still tracks a normal job afterwards. The Bench's <c>fuzz</c> command runs the same grammar for 10^6 frames.
/// </summary>
public sealed class ConnectionFrameFuzzTests
{
    private static readonly string[] Prompts = ["p1", "p2", "p3", "p4"];

    [Fact]
    public async Task The_killer_frame_with_a_duplicate_key_is_counted_and_skipped()
    {
        var (h, connection) = Connect();
        var id = h.Submit("p1");

        // On main this frame threw ArgumentException out of the socket loop.
        await connection.AcceptFrameAsync(WebSocketMessageType.Text, """{"type":"status","type":"x"}"""u8.ToArray(), false, TestContext.Current.CancellationToken);
        await connection.AcceptFrameAsync(
            WebSocketMessageType.Text, """{"type":"execution_start","data":{"prompt_id":"p1","prompt_id":"p2"}}"""u8.ToArray(), false, TestContext.Current.CancellationToken);

        Assert.Equal(2, connection.RejectedFrames);
        Assert.Equal(JobStatus.Queued, h.Job(id).Status);
    }

    [Fact]
    public async Task A_megabyte_error_message_is_cut_where_it_enters()
    {
        var (h, connection) = Connect();
        var id = h.Submit("p1");
        var huge = new string('x', 1 << 20);

        await Send(connection, """{"type":"execution_start","data":{"prompt_id":"p1"}}""");
        await Send(connection, $$$"""{"type":"execution_error","data":{"prompt_id":"p1","node_id":"3","node_type":"{{{huge}}}","exception_type":"{{{huge}}}","exception_message":"{{{huge}}}"}}""");

        var job = h.Job(id);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.InRange(job.Error!.Length, 1, new AnimeProgress.Core.Boundary.InputLimits().MaxErrorLength + 2 * 128 + 16);
        Assert.Contains("… [cut, 1048576 characters in all]", job.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generated_frames_of_every_shape_never_throw_and_the_instance_still_tracks_a_job()
    {
        var (h, connection) = Connect();
        foreach (var prompt in Prompts)
        {
            h.Submit(prompt);
        }

        var grammar = new ComfyUiFrameGrammar(Prompts, hugeStringLength: 256 * 1024);
        var shapes = new HashSet<string>(StringComparer.Ordinal);
        var frames = 0;
        Gen.Int.Select(seed => grammar.Next(new Random(seed))).Sample(
            frame =>
            {
                shapes.Add(frame.Shape);
                frames++;
                connection.AcceptFrameAsync(
                    frame.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, frame.Bytes, false, TestContext.Current.CancellationToken)
                    .AsTask().GetAwaiter().GetResult();
            },
            iter: 4000,
            threads: 1);

        Assert.Equal(ComfyUiFrameGrammar.AllShapes.Count, shapes.Count);
        Assert.InRange(connection.RejectedFrames, frames / 4, frames);
        Assert.All(h.Hub.Jobs, j => Assert.InRange(j.Percent, 0, 100));

        var id = h.Submit("after-the-storm");
        await Send(connection, """{"type":"execution_start","data":{"prompt_id":"after-the-storm"}}""");
        await Send(connection, """{"type":"progress","data":{"value":10,"max":20,"prompt_id":"after-the-storm","node":"3"}}""");
        Assert.Equal(JobStatus.Running, h.Job(id).Status);
        await Send(connection, """{"type":"execution_success","data":{"prompt_id":"after-the-storm"}}""");
        Assert.Equal(JobStatus.Completed, h.Job(id).Status);
    }

    private static (TrackerHarness Harness, ComfyUiConnection Connection) Connect()
    {
        var h = new TrackerHarness();
#pragma warning disable CA2000 // The connection's HTTP client is never used: only frames are fed in.
        var http = new ComfyUiHttpClient(new HttpClient(), new ComfyUiInstance(TrackerHarness.Instance, new Uri("http://127.0.0.1:1/")));
#pragma warning restore CA2000
        return (h, new ComfyUiConnection(http, new SyncTrackerObserver(h.Tracker), new ComfyUiOptions(), h.Time, NullLogger<ComfyUiConnection>.Instance));
    }

    private static ValueTask Send(ComfyUiConnection connection, string json) =>
        connection.AcceptFrameAsync(WebSocketMessageType.Text, Encoding.UTF8.GetBytes(json), false, TestContext.Current.CancellationToken);
}
