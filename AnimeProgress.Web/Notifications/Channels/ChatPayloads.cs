using System.Text.Json.Nodes;
using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>
/// The bodies Slack and Discord incoming webhooks take: a title, the facts (status, workflow, instance, duration), the
/// detail and a link to the job page; a digest lists one line per event (the first 50; then how many more).
/// </summary>
public static class ChatPayloads
{
    private const int DigestLines = 50;

    public static string Slack(OutgoingMessage message, JobLinks links)
    {
        var blocks = new JsonArray { new JsonObject { ["type"] = "header", ["text"] = PlainText(Cut(message.Title, 150)) } };
        if (message.IsDigest)
        {
            var lines = message.Events.Take(DigestLines).Select(e => "• " + Link(SlackEscape(MessageFacts.Line(e)), links.For(e))).ToList();
            if (message.Events.Count > DigestLines)
            {
                lines.Add($"…and {message.Events.Count - DigestLines} more");
            }

            blocks.Add(Section(Cut(string.Join("\n", lines), 3000)));
        }
        else
        {
            var e = message.Events[0];
            if (e.Detail is { Length: > 0 } detail)
            {
                blocks.Add(Section(Cut(SlackEscape(detail), 3000)));
            }

            var fields = new JsonArray();
            foreach (var (label, value) in MessageFacts.Of(e).Take(10))
            {
                fields.Add(new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut($"*{label}*\n{SlackEscape(value)}", 2000) });
            }

            if (fields.Count > 0)
            {
                blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
            }

            if (links.For(e) is { } url)
            {
                blocks.Add(Section($"<{url}|{(e.JobId is null ? "Open the fleet" : "Open the job page")}>"));
            }
        }

        return new JsonObject { ["text"] = Cut(message.Title, 3000), ["blocks"] = blocks }.ToJsonString();
    }

    public static string Discord(OutgoingMessage message, JobLinks links)
    {
        var embed = new JsonObject { ["title"] = Cut(message.Title, 256), ["timestamp"] = message.Events[0].OccurredAt.ToUniversalTime().ToString("O") };
        if (message.IsDigest)
        {
            var lines = message.Events.Take(DigestLines).Select(e => links.For(e) is { } url ? $"• [{MessageFacts.Line(e)}]({url})" : "• " + MessageFacts.Line(e)).ToList();
            if (message.Events.Count > DigestLines)
            {
                lines.Add($"…and {message.Events.Count - DigestLines} more");
            }

            embed["description"] = Cut(string.Join("\n", lines), 4096);
        }
        else
        {
            var e = message.Events[0];
            embed["color"] = Color(e.Type);
            if (links.For(e) is { } url)
            {
                embed["url"] = url;
            }

            if (e.Detail is { Length: > 0 } detail)
            {
                embed["description"] = Cut(detail, 4096);
            }

            var fields = new JsonArray();
            foreach (var (label, value) in MessageFacts.Of(e))
            {
                fields.Add(new JsonObject { ["name"] = label, ["value"] = Cut(value, 1024), ["inline"] = label != "Error" });
            }

            embed["fields"] = fields;
        }

        // No @everyone or role pings from a job title.
        return new JsonObject { ["embeds"] = new JsonArray { embed }, ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() } }.ToJsonString();
    }

    private static int Color(string type) => type switch
    {
        NotificationEventTypes.JobCompleted or NotificationEventTypes.InstanceOnline or NotificationEventTypes.QueueEmpty => 0x2E7D32,
        NotificationEventTypes.JobFailed or NotificationEventTypes.JobLost or NotificationEventTypes.InstanceOffline => 0xC62828,
        _ => 0xF9A825,
    };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text };

    private static JsonObject Section(string markdown) => new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = markdown } };

    private static string Link(string text, string? url) => url is null ? text : $"<{url}|{text}>";

    /// <summary>Slack's three control characters; everything else is shown as written.</summary>
    private static string SlackEscape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
