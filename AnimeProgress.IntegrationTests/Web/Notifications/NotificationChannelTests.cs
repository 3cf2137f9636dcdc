using System.Text.Json;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Persistence.Notifications;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Notifications;

/// <summary>
/// Each channel against a real receiver started in the test (Kestrel for the web channels, the SmtpServer package for
/// e-mail), through the real path: a job's outcome published to the hub, written by the job store with its outbox rows,
/// sent by the leader's sender.
/// </summary>
public sealed class NotificationChannelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_webhook_carries_the_event_signed_so_the_receiver_verifies_it_with_the_documented_recipe()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var app = AppHost.Start(NotifyingApp.Webhook(receiver.Url));

        NotifyingApp.Finish(app, 42);
        var request = await Eventually.Get(() => receiver.Requests.TryPeek(out var r) ? r : null, what: "the webhook");

        var id = request.Header("webhook-id");
        var timestamp = request.Header("webhook-timestamp");
        Assert.StartsWith("msg_", id);
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)) < 60);
        Assert.True(ReceiverSignature.Verify(NotifyingApp.Secret, id, timestamp, request.Body, request.Header("webhook-signature")));
        // A body changed on the way no longer verifies.
        Assert.False(ReceiverSignature.Verify(NotifyingApp.Secret, id, timestamp, request.Body.Replace("42", "43", StringComparison.Ordinal), request.Header("webhook-signature")));

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("job.completed", root.GetProperty("type").GetString());
        var data = root.GetProperty("data");
        Assert.Equal("job.completed:42", data.GetProperty("id").GetString());
        Assert.Equal(42, data.GetProperty("job_id").GetInt64());
        Assert.Equal("Key art 42", data.GetProperty("job_title").GetString());
        Assert.Equal("completed", data.GetProperty("status").GetString());
        Assert.Equal("gpu-1", data.GetProperty("instance").GetString());
        Assert.Equal("wf-anime-upscale", data.GetProperty("workflow").GetString());
        Assert.InRange(data.GetProperty("duration_seconds").GetDouble(), 119, 121);
        Assert.Equal("https://progress.studio.example/jobs/42", data.GetProperty("url").GetString());

        var delivery = Assert.Single(await NotifyingApp.DeliveriesAsync(app));
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app))[0].State == DeliveryStates.Delivered, "delivered");
        Assert.Equal(("hook", "outcomes", "job.completed:42"), (delivery.Channel, delivery.Rule, delivery.EventId));
    }

    [Fact]
    public async Task Slack_gets_a_header_the_facts_and_a_link_to_the_job_page()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var app = AppHost.Start(NotifyingApp.Settings(Chat("Slack", receiver.Url)));

        NotifyingApp.Finish(app, 7, JobStatus.Failed, error: "CUDA out of memory");
        var request = await Eventually.Get(() => receiver.Requests.TryPeek(out var r) ? r : null, what: "the Slack message");

        using var body = JsonDocument.Parse(request.Body);
        var blocks = body.RootElement.GetProperty("blocks");
        Assert.Equal("Job failed: Key art 7", body.RootElement.GetProperty("text").GetString());
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Equal("Job failed: Key art 7", blocks[0].GetProperty("text").GetProperty("text").GetString());
        var text = string.Join("\n", Strings(body.RootElement));
        Assert.Contains("*Status*\nfailed", text);
        Assert.Contains("*Workflow*\nwf-anime-ups", text);
        Assert.Contains("*Instance*\ngpu-1", text);
        Assert.Contains("*Duration*\n2m 0s", text);
        Assert.Contains("CUDA out of memory", text);
        Assert.Contains("<https://progress.studio.example/jobs/7|Open the job page>", text);
        Assert.DoesNotContain(request.Headers.Keys, k => k.StartsWith("webhook-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discord_gets_an_embed_with_title_link_and_fields_and_no_mentions()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Respond = (_, context) => { context.Response.StatusCode = 204; return Task.CompletedTask; };
        await using var app = AppHost.Start(NotifyingApp.Settings(Chat("Discord", receiver.Url)));

        NotifyingApp.Finish(app, 8);
        var request = await Eventually.Get(() => receiver.Requests.TryPeek(out var r) ? r : null, what: "the Discord message");

        using var body = JsonDocument.Parse(request.Body);
        var embed = body.RootElement.GetProperty("embeds")[0];
        Assert.Equal("Job completed: Key art 8", embed.GetProperty("title").GetString());
        Assert.Equal("https://progress.studio.example/jobs/8", embed.GetProperty("url").GetString());
        var fields = embed.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal("completed", fields["Status"]);
        Assert.Equal("gpu-1", fields["Instance"]);
        Assert.Equal("2m 0s", fields["Duration"]);
        Assert.Equal(0, body.RootElement.GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength());
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).Single().State == DeliveryStates.Delivered, "a 204 counts as delivered");
    }

    [Fact]
    public async Task E_mail_arrives_with_plain_text_and_html_and_the_delivery_id_as_message_id()
    {
        using var smtp = SmtpReceiver.Start();
        await using var app = AppHost.Start(NotifyingApp.Settings(Email(smtp.Port, "supervisor@studio.example")));

        NotifyingApp.Finish(app, 9);
        var mail = await Eventually.Get(() => smtp.Messages.TryPeek(out var m) ? m : null, what: "the e-mail");

        Assert.Equal("Job completed: Key art 9", mail.Subject);
        Assert.Equal("supervisor@studio.example", mail.To.Mailboxes.Single().Address);
        Assert.Equal("progress@studio.example", mail.From.Mailboxes.Single().Address);
        Assert.StartsWith("msg_", mail.MessageId);
        Assert.Contains("Status: completed", mail.TextBody);
        Assert.Contains("Instance: gpu-1", mail.TextBody);
        Assert.Contains("https://progress.studio.example/jobs/9", mail.TextBody);
        Assert.Contains("<a href=\"https://progress.studio.example/jobs/9\">Open the job page</a>", mail.HtmlBody);
        Assert.Contains("<th align=\"left\">Duration</th><td>2m 0s</td>", mail.HtmlBody);
    }

    [Fact]
    public async Task An_smtp_server_that_refuses_the_recipient_dead_letters_the_delivery_at_once()
    {
        using var smtp = SmtpReceiver.Start();
        smtp.Refused.Add("nobody@studio.example");
        await using var app = AppHost.Start(NotifyingApp.Settings(Email(smtp.Port, "nobody@studio.example")));

        NotifyingApp.Finish(app, 10);
        await NotifyingApp.UntilAsync(async () => (await NotifyingApp.DeliveriesAsync(app)).SingleOrDefault()?.State == DeliveryStates.Dead, "dead letter");

        var delivery = (await NotifyingApp.DeliveriesAsync(app)).Single();
        Assert.Equal(1, delivery.Attempts);
        Assert.Contains("recipient", delivery.LastResult);
        Assert.Empty(smtp.Messages);
    }

    /// <summary>Every string in a JSON document, unescaped (the body escapes &lt; and &gt; as JSON allows).</summary>
    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    private static Dictionary<string, string?> Chat(string type, Uri url) => new()
    {
        ["AnimeProgress:Notifications:Channels:0:Name"] = "chat",
        ["AnimeProgress:Notifications:Channels:0:Type"] = type,
        ["AnimeProgress:Notifications:Channels:0:Url"] = url.ToString(),
        ["AnimeProgress:Notifications:Rules:0:Channel"] = "chat",
        ["AnimeProgress:Notifications:Rules:0:Events:0"] = "job.completed,job.failed",
    };

    private static Dictionary<string, string?> Email(int port, string to) => new()
    {
        ["AnimeProgress:Notifications:Channels:0:Name"] = "mail",
        ["AnimeProgress:Notifications:Channels:0:Type"] = "Email",
        ["AnimeProgress:Notifications:Channels:0:SmtpHost"] = "127.0.0.1",
        ["AnimeProgress:Notifications:Channels:0:SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AnimeProgress:Notifications:Channels:0:SmtpSecurity"] = "None",
        ["AnimeProgress:Notifications:Channels:0:From"] = "progress@studio.example",
        ["AnimeProgress:Notifications:Channels:0:To"] = to,
        ["AnimeProgress:Notifications:Rules:0:Channel"] = "mail",
        ["AnimeProgress:Notifications:Rules:0:Events:0"] = "job.completed",
    };
}
