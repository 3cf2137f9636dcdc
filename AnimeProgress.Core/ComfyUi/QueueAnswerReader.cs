using System.Buffers;
using System.Text.Json;
using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>
/// Reads ComfyUI's <c>GET /queue</c> answer (<c>{"queue_running": [...], "queue_pending": [...]}</c>) from the
/// response stream one prompt at a time. Memory is the largest single prompt plus what is kept of each (its ids,
/// client id, outputs and graph text), never the whole answer nor a JSON tree of it: a queue of 20,000 prompts is
/// ~18 MB of JSON and was a few hundred MiB as a tree, read again every few seconds. So the answer's length has no
/// cap and no queued prompt is left unseen; only a single prompt larger than the cap is refused.
/// </summary>
internal sealed class QueueAnswerReader
{
    private const string What = "GET /queue";
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    private readonly int _maxPromptBytes;
    private readonly InputLimits _limits;
    private readonly List<QueueItem> _running = [];
    private readonly List<QueueItem> _pending = [];
    private readonly HashSet<string> _rootKeys = new(StringComparer.Ordinal);
    private List<QueueItem>? _array;
    private Phase _phase;
    private JsonReaderState _state = new(ReaderOptions);

    private QueueAnswerReader(int maxPromptBytes, InputLimits limits)
    {
        _maxPromptBytes = maxPromptBytes;
        _limits = limits;
    }

    private enum Phase
    {
        Start,
        InRoot,
        InArray,
        Done,
    }

    /// <summary>The queue; pending prompts in execution order (by number).</summary>
    public static async Task<QueueState> ReadAsync(Stream stream, int maxPromptBytes, InputLimits limits, CancellationToken cancellationToken)
    {
        var answer = new QueueAnswerReader(maxPromptBytes, limits);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(64 * 1024, maxPromptBytes));
        try
        {
            int start = 0, end = 0;
            var final = false;
            while (true)
            {
                start += answer.Step(buffer.AsSpan(start, end - start), final);
                if (answer._phase == Phase.Done)
                {
                    break;
                }

                if (final)
                {
                    throw new InvalidDataException($"{What} ended in the middle of its answer.");
                }

                // Keep the unread part (one prompt so far) and make room for more of it.
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                if (end == buffer.Length)
                {
                    buffer = Grow(buffer, end, maxPromptBytes);
                }

                var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
                final = read == 0;
                end += read;
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{What} returned invalid JSON: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new QueueState(answer._running, [.. answer._pending.OrderBy(i => i.Number)]);
    }

    private static byte[] Grow(byte[] buffer, int used, int maxPromptBytes)
    {
        if (buffer.Length >= maxPromptBytes)
        {
            throw new InvalidDataException(
                $"{What} holds a single prompt (or other value) of more than {maxPromptBytes} bytes (AnimeProgress:ComfyUi:MaxResponseBytes); the answer was not read.");
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxPromptBytes));
        Buffer.BlockCopy(buffer, 0, bigger, 0, used);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }

    /// <summary>
    /// Reads every whole unit in <paramref name="data"/> (the root's start, a property with its value, a prompt, an
    /// array's end) and returns how many bytes they took; a unit cut off at the end is read again with more data.
    /// </summary>
    private int Step(ReadOnlySpan<byte> data, bool final)
    {
        var reader = new Utf8JsonReader(data, final, _state);
        var done = 0;
        while (_phase != Phase.Done && ReadUnit(ref reader, data))
        {
            done = (int)reader.BytesConsumed;
            _state = reader.CurrentState;
        }

        return done;
    }

    private bool ReadUnit(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        if (!reader.Read())
        {
            return false;
        }

        switch (_phase)
        {
            case Phase.Start:
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new InvalidDataException($"{What} did not return a JSON object.");
                }

                _phase = Phase.InRoot;
                return true;
            case Phase.InRoot:
                return ReadRootProperty(ref reader);
            default:
                return ReadPrompt(ref reader, data);
        }
    }

    private bool ReadRootProperty(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.EndObject)
        {
            _phase = Phase.Done;
            return true;
        }

        var name = reader.GetString()!;
        if (_rootKeys.Contains(name))
        {
            throw new InvalidDataException($"{What} names \"{BoundedText.Cap(name, 64)}\" twice.");
        }

        if (!reader.Read())
        {
            return false;
        }

        var list = name switch
        {
            "queue_running" => _running,
            "queue_pending" => _pending,
            _ => null,
        };
        if (list is not null && reader.TokenType == JsonTokenType.StartArray)
        {
            _array = list;
            _phase = Phase.InArray;
        }
        else if (!reader.TrySkip())
        {
            return false;
        }

        _rootKeys.Add(name);
        return true;
    }

    private bool ReadPrompt(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        if (reader.TokenType == JsonTokenType.EndArray)
        {
            _phase = Phase.InRoot;
            return true;
        }

        var start = (int)reader.TokenStartIndex;
        if (!reader.TrySkip())
        {
            return false;
        }

        if (QueueItemReader.Read(data[start..(int)reader.BytesConsumed], _limits) is { } item)
        {
            _array!.Add(item);
        }

        return true;
    }
}
