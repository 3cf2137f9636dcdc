using AnimeProgress.Web.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AnimeProgress.Tests.Web.Audit;

/// <summary>The audit buffer: a full buffer makes the writer wait for room rather than drop the entry.</summary>
public sealed class AuditLogBufferTests
{
    private static AuditEntry Entry(int i) => new(AuditActor.Anonymous, AuditActions.SignInFailed, AuditOutcomes.Refused, $"#{i}");

    [Fact]
    public async Task A_full_buffer_makes_the_request_wait_for_room_and_the_entry_is_kept()
    {
        var time = new FakeTimeProvider();
        var log = new AuditLog(Options.Create(new AuditOptions { BufferSize = 16, MaxWait = TimeSpan.FromSeconds(5) }), time, NullLogger<AuditLog>.Instance);
        for (var i = 0; i < 16; i++)
        {
            // Room in the buffer: done at once, without waiting.
            var written = log.WriteAsync(Entry(i)).AsTask();
            Assert.True(written.IsCompletedSuccessfully);
        }

        var waiting = log.WriteAsync(Entry(16)).AsTask();
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        // The writer takes one: the waiting entry gets its place, after the others.
        Assert.True(log.Reader.TryRead(out var first));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal("#0", first.Target);
        var rest = new List<string?>();
        while (log.Reader.TryRead(out var row))
        {
            rest.Add(row.Target);
        }

        Assert.Equal(Enumerable.Range(1, 16).Select(i => $"#{i}"), rest);
    }

    [Fact]
    public async Task Past_the_longest_wait_the_request_goes_on()
    {
        var time = new FakeTimeProvider();
        var log = new AuditLog(Options.Create(new AuditOptions { BufferSize = 16, MaxWait = TimeSpan.FromSeconds(5) }), time, NullLogger<AuditLog>.Instance);
        for (var i = 0; i < 16; i++)
        {
            await log.WriteAsync(Entry(i));
        }

        var waiting = log.WriteAsync(Entry(16)).AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
