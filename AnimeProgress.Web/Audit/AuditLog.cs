using System.Threading.Channels;
using AnimeProgress.Core.Persistence.Audit;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Audit;

/// <summary>
/// Where the app records audited actions: a small bounded buffer that <see cref="AuditWriter"/> empties into
/// <c>audit_log</c>, so a request never waits on the database. When the buffer is full (the database is down or slow)
/// the request waits for room, up to <see cref="AuditOptions.MaxWait"/>: an audit log that drops entries is worse than
/// a slow request. Past that wait the entry goes to the structured log at Critical level, never silently away.
/// </summary>
public sealed partial class AuditLog(IOptions<AuditOptions> options, TimeProvider time, ILogger<AuditLog> logger)
{
    private readonly Channel<AuditEntryRow> _buffer = Channel.CreateBounded<AuditEntryRow>(
        new BoundedChannelOptions(options.Value.BufferSize) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    internal ChannelReader<AuditEntryRow> Reader => _buffer.Reader;

    /// <summary>Records <paramref name="entry"/> at this moment. Not cancellable: a request that ends still leaves its entry.</summary>
    public async ValueTask WriteAsync(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var row = entry.ToRow(time.GetUtcNow());
        if (_buffer.Writer.TryWrite(row))
        {
            return;
        }

        using var wait = new CancellationTokenSource(options.Value.MaxWait, time);
        try
        {
            await _buffer.Writer.WriteAsync(row, wait.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            LogNotBuffered(row.Action, row.Outcome, row.ActorKind, row.ActorName, row.KeyPrefix, row.ClientAddress, row.Target, row.Detail, row.At);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit entry not stored (the audit buffer stayed full): {Action} {Outcome} by {ActorKind} {ActorName} {KeyPrefix} from {ClientAddress} on {Target}: {Detail} at {At}")]
    private partial void LogNotBuffered(string action, string outcome, string actorKind, string? actorName, string? keyPrefix, string? clientAddress, string? target, string? detail, DateTimeOffset at);
}
