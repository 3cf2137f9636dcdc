using System.Net;
using System.Text;

namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>An e-mail's plain-text and simple HTML bodies: the title, detail, facts and link (a digest: one line per event).</summary>
public static class EmailBodies
{
    public static string Text(OutgoingMessage message, JobLinks links)
    {
        var text = new StringBuilder().AppendLine(message.Title).AppendLine();
        if (message.IsDigest)
        {
            foreach (var e in message.Events)
            {
                text.Append("- ").AppendLine(MessageFacts.Line(e));
                if (links.For(e) is { } url)
                {
                    text.Append("  ").AppendLine(url);
                }
            }

            return text.ToString();
        }

        var one = message.Events[0];
        if (one.Detail is { Length: > 0 } detail)
        {
            text.AppendLine(detail).AppendLine();
        }

        foreach (var (label, value) in MessageFacts.Of(one))
        {
            text.Append(label).Append(": ").AppendLine(value);
        }

        text.Append("When: ").AppendLine(MessageFacts.When(one.OccurredAt));
        if (links.For(one) is { } link)
        {
            text.AppendLine().AppendLine(link);
        }

        return text.ToString();
    }

    public static string Html(OutgoingMessage message, JobLinks links)
    {
        static string H(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<h2>").Append(H(message.Title)).Append("</h2>");
        if (message.IsDigest)
        {
            html.Append("<ul>");
            foreach (var e in message.Events)
            {
                html.Append("<li>").Append(links.For(e) is { } url ? $"<a href=\"{H(url)}\">{H(MessageFacts.Line(e))}</a>" : H(MessageFacts.Line(e))).Append("</li>");
            }

            return html.Append("</ul></body></html>").ToString();
        }

        var one = message.Events[0];
        if (one.Detail is { Length: > 0 } detail)
        {
            html.Append("<p>").Append(H(detail)).Append("</p>");
        }

        html.Append("<table>");
        foreach (var (label, value) in MessageFacts.Of(one))
        {
            html.Append("<tr><th align=\"left\">").Append(H(label)).Append("</th><td>").Append(H(value)).Append("</td></tr>");
        }

        html.Append("<tr><th align=\"left\">When</th><td>").Append(H(MessageFacts.When(one.OccurredAt))).Append("</td></tr></table>");
        if (links.For(one) is { } link)
        {
            html.Append("<p><a href=\"").Append(H(link)).Append("\">").Append(one.JobId is null ? "Open the fleet" : "Open the job page").Append("</a></p>");
        }

        return html.Append("</body></html>").ToString();
    }
}
