using AnimeProgress.ComfyUiEmulator.Devices;
using AnimeProgress.ComfyUiEmulator.Execution;
using AnimeProgress.ComfyUiEmulator.Graph;
using AnimeProgress.ComfyUiEmulator.NodeCatalog;
using AnimeProgress.ComfyUiEmulator.WebSockets;

namespace AnimeProgress.ComfyUiEmulator;

/// <summary>
/// Everything one emulated ComfyUI process holds in memory. A new engine per start is what makes
/// a restart lose the queue, history and cache, as a real restart does.
/// </summary>
internal sealed class EmulatorEngine
{
    /// <summary>Seed for duration jitter: runs vary a little, yet reproducibly.</summary>
    private const int JitterSeed = 20251011;

    public EmulatorEngine(EmulatorOptions options)
    {
        Options = options;
        Connections = new ConnectionRegistry();
        Messenger = new JobMessenger(Connections);
        History = new HistoryStore();
        Queue = new PromptQueue(Messenger, History);
        Validator = new PromptValidator(Nodes);
        Vram = new VramMeter(options.VramTotalBytes);
        Stats = new SystemStats(options, Vram);
        Cache = new OutputCache();
        var run = new PromptRun(Nodes, Messenger, Cache, Interrupt, Vram, new OutputFiles(new Random(JitterSeed)), new SimulatedTime(options.TimeScale, JitterSeed));
        Worker = new PromptWorker(Queue, run, Messenger, Cache);
    }

    public EmulatorOptions Options { get; }

    public KnownNodes Nodes { get; } = KnownNodes.Default;

    public ConnectionRegistry Connections { get; }

    public JobMessenger Messenger { get; }

    public HistoryStore History { get; }

    public PromptQueue Queue { get; }

    public PromptValidator Validator { get; }

    public InterruptSignal Interrupt { get; } = new();

    public VramMeter Vram { get; }

    public SystemStats Stats { get; }

    public OutputCache Cache { get; }

    public PromptWorker Worker { get; }

    /// <summary>While set, every HTTP request and WebSocket upgrade is cut off unanswered, yet the queue keeps running.</summary>
    public bool Unreachable
    {
        get => Volatile.Read(ref _unreachable);
        set => Volatile.Write(ref _unreachable, value);
    }

    private bool _unreachable;

    // Unix ms of the first GET /queue this process answered; 0 until then.
    private long _firstQueueAnsweredAt;

    /// <summary>When this process first answered GET /queue (after a restart: the first answer of the new process); tests measure from it.</summary>
    public DateTimeOffset? FirstQueueAnsweredAt =>
        Interlocked.Read(ref _firstQueueAnsweredAt) is var ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _promptsQueued = new(StringComparer.Ordinal);

    /// <summary>How many times a prompt id was accepted by POST /prompt: tests of exactly-once dispatch count on it.</summary>
    public int TimesQueued(string promptId) => _promptsQueued.GetValueOrDefault(promptId);

    public void PromptQueued(string promptId) => _promptsQueued.AddOrUpdate(promptId, 1, (_, n) => n + 1);

    public void QueueAnswered() => Interlocked.CompareExchange(ref _firstQueueAnsweredAt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0);

    /// <summary>Server feature flags, the same for GET /features and the WebSocket reply.</summary>
    public static System.Text.Json.Nodes.JsonObject FeatureFlags() => new()
    {
        ["supports_preview_metadata"] = true,
        ["max_upload_size"] = 104857600,
    };
}
