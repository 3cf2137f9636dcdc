using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>A real SMTP server in the test (the SmtpServer package) on a loopback port: keeps every message, refuses the recipients it is told to.</summary>
internal sealed class SmtpReceiver : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private SmtpReceiver(int port, Store store, Filter filter)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port))).Build();
        var services = new ServiceProvider();
        services.Add(store);
        services.Add(filter);
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
        Messages = store.Messages;
        Refused = filter.Refused;
    }

    public int Port { get; }

    public ConcurrentQueue<MimeMessage> Messages { get; }

    /// <summary>Recipients answered with 550.</summary>
    public ConcurrentBag<string> Refused { get; }

    public static SmtpReceiver Start() => new(HttpReceiver.FreePort(), new Store(), new Filter());

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _running.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping is cancelling.
        }

        _stop.Dispose();
    }

    private sealed class Store : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Filter : MailboxFilter
    {
        public ConcurrentBag<string> Refused { get; } = [];

        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!Refused.Contains($"{to.User}@{to.Host}"));
    }
}
