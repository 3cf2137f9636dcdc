using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi;
using CsCheck;

namespace AnimeProgress.Tests.Core.ComfyUi;

/// <summary>
/// The streamed <c>/queue</c> reader gives what a JSON tree of the whole answer gives, whatever the answer's shape
/// and however the stream cuts it; its memory is one prompt at a time, so a queue far longer than the cap is read whole.
/// </summary>
public sealed class QueueAnswerReaderTests
{
    private static readonly InputLimits Limits = new();

    [Fact]
    public void Generated_answers_in_random_chunks_read_the_same_as_a_tree_of_the_whole()
    {
        var shapes = 0;
        Gen.Int.Select(seed => (Answer: GenerateAnswer(new Random(seed)), Chunk: new Random(seed).Next(1, 200))).Sample(
            sample =>
            {
                var text = sample.Answer.ToJsonString();
                var expected = Reference(sample.Answer);
                var actual = Read(text, sample.Chunk, maxPromptBytes: 1 << 20);
                Assert.Equal(Describe(expected), Describe(actual));
                shapes += expected.Running.Count + expected.Pending.Count;
            },
            iter: 400,
            threads: 1);

        Assert.True(shapes > 1000, $"only {shapes} prompts generated");
    }

    [Fact]
    public void A_prompt_whose_graph_repeats_a_key_is_kept_without_a_graph_and_the_others_are_read()
    {
        const string text = """{"queue_running":[],"queue_pending":[[1,"bad",{"3":{},"3":{}},{},[]],[2,"good",{"3":{"inputs":{"filename_prefix":"ok"}}},{},[]]]}""";

        var queue = Read(text, chunk: 7, maxPromptBytes: 64 * 1024);

        Assert.Equal(["bad", "good"], queue.Pending.Select(i => i.PromptId));
        Assert.Null(queue.Pending[0].Graph);
        Assert.NotNull(queue.Pending[1].Graph);
        Assert.Equal("ok", queue.Pending[1].OutputPrefix);
    }

    [Theory]
    [InlineData("""{"queue_running":[],"queue_pending":[[1,"p1",{}""", "GET /queue returned invalid JSON")]
    [InlineData("", "GET /queue")]
    [InlineData("""[]""", "did not return a JSON object")]
    [InlineData("""{"queue_pending":[],"queue_pending":[]}""", "twice")]
    [InlineData("""{"queue_pending":[[1,"p1"]] nonsense""", "invalid JSON")]
    public void A_broken_answer_is_invalid_data_with_a_clear_message(string text, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(text, chunk: 5, maxPromptBytes: 64 * 1024));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prompt_id_and_client_id_are_cut_where_they_enter()
    {
        var text = $$"""{"queue_pending":[[1,"{{new string('p', 500)}}",null,{"client_id":"{{new string('c', 500)}}"},[]]]}""";

        var item = Assert.Single(Read(text, chunk: 64, maxPromptBytes: 64 * 1024).Pending);

        Assert.Equal(Limits.MaxPromptIdLength, item.PromptId.Length);
        Assert.Equal(Limits.MaxNameLength, item.ClientId!.Length);
    }

    private static QueueState Read(string text, int chunk, int maxPromptBytes)
    {
        using var stream = new TrickleStream(Encoding.UTF8.GetBytes(text), chunk);
        return QueueAnswerReader.ReadAsync(stream, maxPromptBytes, Limits, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
    }

    /// <summary>What the tree of the whole answer says (the reader before it streamed).</summary>
    private static QueueState Reference(JsonObject answer) =>
        new(Items(answer["queue_running"]), [.. Items(answer["queue_pending"]).OrderBy(i => i.Number)]);

    private static List<QueueItem> Items(JsonNode? node) =>
        node is JsonArray array
            ? [.. array.OfType<JsonArray>().Where(raw => raw.Count > 1 && raw[1] is JsonValue v && v.TryGetValue(out string? _)).Select(raw => new QueueItem(
                raw[0] is JsonValue n && n.TryGetValue(out double number) ? number : 0,
                BoundedText.Cap(raw[1]!.GetValue<string>(), Limits.MaxPromptIdLength)!,
                raw.Count > 2 ? raw[2] as JsonObject : null,
                raw.Count > 3 ? raw[3] as JsonObject : null,
                raw.Count > 4 && raw[4] is JsonArray outs ? [.. outs.OfType<JsonValue>().Where(o => o.TryGetValue(out string? _)).Select(o => o.GetValue<string>())] : []))]
            : [];

    private static string Describe(QueueState queue) => string.Join('\n', queue.Running.Select(i => "R " + Describe(i)).Concat(queue.Pending.Select(i => "P " + Describe(i))));

    private static string Describe(QueueItem item) =>
        $"{item.Number}|{item.PromptId}|{item.ClientId}|{string.Join(',', item.Outputs)}|{item.OutputPrefix}|{item.Graph?.ToJsonString()}";

    private static JsonObject GenerateAnswer(Random random)
    {
        var answer = new JsonObject();
        foreach (var key in new[] { "queue_running", "queue_pending", "junk", "more" }.OrderBy(_ => random.Next()))
        {
            if (random.Next(5) == 0)
            {
                continue;
            }

            answer[key] = key.StartsWith("queue", StringComparison.Ordinal) && random.Next(8) != 0
                ? new JsonArray([.. Enumerable.Range(0, random.Next(0, 12)).Select(i => Entry(random, i))])
                : Junk(random, depth: 0);
        }

        return answer;
    }

    private static JsonNode? Entry(Random random, int index)
    {
        if (random.Next(10) == 0)
        {
            return Junk(random, depth: 0);
        }

        var entry = new JsonArray(
            random.Next(6) == 0 ? JsonValue.Create("7") : JsonValue.Create(random.Next(3) == 0 ? index + 0.5 : random.Next(-5, 50)),
            random.Next(12) == 0 ? JsonValue.Create(index) : JsonValue.Create(Text(random) + index),
            random.Next(8) == 0 ? Junk(random, 0) : Graph(random),
            random.Next(6) == 0 ? Junk(random, 0) : new JsonObject
            {
                ["extra_pnginfo"] = Junk(random, 0),
                ["client_id"] = random.Next(4) == 0 ? JsonValue.Create(random.Next()) : JsonValue.Create(Text(random)),
            },
            random.Next(6) == 0 ? Junk(random, 0) : new JsonArray([.. Enumerable.Range(0, random.Next(3)).Select(_ => random.Next(3) == 0 ? Junk(random, 1) : JsonValue.Create(Text(random)))]));
        var keep = random.Next(8) == 0 ? random.Next(0, 5) : 5;
        while (entry.Count > keep)
        {
            entry.RemoveAt(entry.Count - 1);
        }

        if (random.Next(10) == 0)
        {
            entry.Add(Junk(random, 0));
        }

        return entry;
    }

    private static JsonObject Graph(Random random)
    {
        var graph = new JsonObject();
        for (var n = 0; n < random.Next(0, 6); n++)
        {
            var inputs = new JsonObject { ["seed"] = random.Next(), ["nested"] = Junk(random, 1) };
            if (random.Next(2) == 0)
            {
                inputs["filename_prefix"] = random.Next(5) switch
                {
                    0 => "ComfyUI",
                    1 => " ",
                    2 => JsonValue.Create(4),
                    _ => Text(random),
                };
            }

            graph[n.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["class_type"] = Text(random),
                ["inputs"] = random.Next(8) == 0 ? new JsonArray(1, 2) : inputs,
            };
        }

        return graph;
    }

    private static JsonNode? Junk(Random random, int depth) => (depth > 2 ? random.Next(4) : random.Next(6)) switch
    {
        0 => null,
        1 => JsonValue.Create(random.NextDouble() * 1e6),
        2 => JsonValue.Create(Text(random)),
        3 => JsonValue.Create(random.Next(2) == 0),
        4 => new JsonArray([.. Enumerable.Range(0, random.Next(3)).Select(_ => Junk(random, depth + 1))]),
        _ => new JsonObject { ["k" + random.Next(9)] = Junk(random, depth + 1), ["filename_prefix"] = Text(random) },
    };

    private static string Text(Random random)
    {
        string[] pieces = ["shot", "é", "\"q\"", "\\", "\u0001", "日本", " ", "ComfyUI", "x"];
        return string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => pieces[random.Next(pieces.Length)]));
    }

    /// <summary>A stream that hands out at most <paramref name="chunk"/> bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
