using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace AnimeProgress.IntegrationTests.Support;

/// <summary>
/// The app's log lines as rendered, for tests that check what an operator reads. Registered as a Serilog sink in the
/// app's services (the app's Serilog reads sinks from there).
/// </summary>
internal sealed class CapturedLog : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join(Environment.NewLine, _lines);

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        _lines.Enqueue($"{logEvent.Level} {logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)}");
    }
}
