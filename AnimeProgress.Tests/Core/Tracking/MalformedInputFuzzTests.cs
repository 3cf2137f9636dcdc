using System.Text;
using AnimeProgress.Core.ComfyUi.Messages;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Tests.Support;

namespace AnimeProgress.Tests.Core.Tracking;

/// <summary>
/// Bad input never stops monitoring: 100,000 generated frames (valid, truncated, mutated, binary
/// with unknown headers) go through the parser and the tracker; nothing throws and nothing grows
/// without bound.
/// </summary>
[Collection(MeasuresProcessMemory.Name)]
public sealed class MalformedInputFuzzTests
{
    private static readonly string[] Valid =
    [
        """{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 3}}, "sid": "abc"}}""",
        """{"type": "execution_start", "data": {"prompt_id": "p1", "timestamp": 1795912196084}}""",
        """{"type": "execution_cached", "data": {"nodes": ["4", "6"], "prompt_id": "p1", "timestamp": 1795912196085}}""",
        """{"type": "executing", "data": {"node": "3", "display_node": "3", "prompt_id": "p1"}}""",
        """{"type": "executing", "data": {"node": "3"}}""",
        """{"type": "progress", "data": {"value": 7, "max": 20, "prompt_id": "p1", "node": "3"}}""",
        """{"type": "progress_state", "data": {"prompt_id": "p1", "nodes": {"3": {"value": 7, "max": 20, "state": "running"}, "4": {"value": 1.0, "max": 1.0, "state": "finished"}}}}""",
        """{"type": "executed", "data": {"node": "9", "display_node": "9", "output": {"images": [{"filename": "a.png"}]}, "prompt_id": "p1"}}""",
        """{"type": "execution_success", "data": {"prompt_id": "p2", "timestamp": 1795912201643}}""",
        """{"type": "execution_error", "data": {"prompt_id": "p3", "node_id": "8", "node_type": "VAEDecode", "exception_message": "oom", "exception_type": "RuntimeError", "timestamp": 1}}""",
        """{"type": "execution_interrupted", "data": {"prompt_id": "p4", "node_id": "3", "node_type": "KSampler", "timestamp": 1}}""",
        """{"type": "executing", "data": {"node": null, "prompt_id": "p1"}}""",
        """{"type": "progress", "data": {"value": 1, "max": 20, "prompt_id": "unknown-prompt", "node": "3"}}""",
        """{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""",
    ];

    [Fact]
    public void A_hundred_thousand_generated_frames_never_throw_and_leave_memory_bounded()
    {
        var h = new TrackerHarness();
        var ids = new[] { h.Submit("p1", steps: 20), h.Submit("p2"), h.Submit("p3"), h.Submit("p4", JobKind.Video, frames: 120) };
        var random = new Random(1129);
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        int parsed = 0, rejected = 0;

        for (var i = 0; i < 100_000; i++)
        {
            var result = random.Next(10) switch
            {
                < 4 => ComfyUiMessageParser.ParseText(Encoding.UTF8.GetBytes(Valid[random.Next(Valid.Length)])),
                < 6 => ComfyUiMessageParser.ParseText(Truncate(random, Valid[random.Next(Valid.Length)])),
                < 9 => ComfyUiMessageParser.ParseText(Mutate(random, Valid[random.Next(Valid.Length)])),
                _ => ComfyUiMessageParser.ParseBinary(RandomBinary(random)),
            };

            if (result.Event is { } e)
            {
                parsed++;
                h.Tracker.Apply(new AnimeProgress.Core.ComfyUi.InstanceEvent(TrackerHarness.Instance, e));
                if (i % 1000 == 0)
                {
                    h.Time.Advance(TimeSpan.FromSeconds(1));
                    h.Tracker.Apply(new AnimeProgress.Core.Tracking.ClockTick());
                }
            }
            else
            {
                rejected++;
                Assert.False(string.IsNullOrEmpty(result.Error));
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(parsed > 40_000 && rejected > 30_000, $"parsed {parsed}, rejected {rejected}");
        Assert.Equal(ids.Length, h.Hub.Jobs.Count);
        Assert.All(h.Hub.Jobs, j => Assert.InRange(j.Percent, 0, 100));
        Assert.True(h.Previews.Count <= ids.Length);
        Assert.True(after - before < 64L * 1024 * 1024, $"live heap grew by {(after - before) / 1048576.0:0.0} MiB");
    }

    private static byte[] Truncate(Random random, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return bytes[..random.Next(bytes.Length)];
    }

    private static byte[] Mutate(Random random, string json)
    {
        // Flip characters, swap a value's type, or nest deeply: the shapes a broken or hostile peer sends.
        var text = json;
        switch (random.Next(5))
        {
            case 0:
                var chars = text.ToCharArray();
                for (var k = random.Next(1, 6); k > 0; k--)
                {
                    chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
                }

                text = new string(chars);
                break;
            case 1:
                text = text.Replace("\"p1\"", random.Next(2) == 0 ? "123" : "null", StringComparison.Ordinal)
                    .Replace(": 7", ": \"seven\"", StringComparison.Ordinal);
                break;
            case 2:
                text = text.Replace("20", random.Next(2) == 0 ? "-1e308" : "1e309", StringComparison.Ordinal);
                break;
            case 3:
                text = new string('[', 200) + text + new string(']', 200);
                break;
            default:
                text = text.Replace("\"data\"", "\"dat\"", StringComparison.Ordinal);
                break;
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private static byte[] RandomBinary(Random random)
    {
        var frame = new byte[random.Next(0, 64)];
        random.NextBytes(frame);
        if (frame.Length >= 4 && random.Next(2) == 0)
        {
            frame[0] = frame[1] = frame[2] = 0;
            frame[3] = (byte)random.Next(0, 6);
        }

        return frame;
    }
}
