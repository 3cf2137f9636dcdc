using System.Net.Sockets;
using System.Text;
using AnimeProgress.Core.Notifications;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AnimeProgress.Web.Notifications.Channels;

/// <summary>
/// E-mail over SMTP with MailKit: plain text and a simple HTML part with the same facts and link; the Message-ID is the
/// delivery's idempotency key. The connection goes through the destination guard like every channel's. A refused
/// recipient or sender (5xx) is final; a busy server (4xx) or a broken connection is tried again.
/// </summary>
public sealed class EmailChannelSender(GuardedConnections connections, JobLinks links, IOptions<NotificationOptions> options) : IChannelSender
{
    public bool Handles(ChannelType type) => type == ChannelType.Email;

    public async Task<SendResult> SendAsync(ChannelOptions channel, OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.AttemptTimeout);
        using var client = new SmtpClient { Timeout = (int)options.Value.AttemptTimeout.TotalMilliseconds };
        try
        {
            var mail = Compose(channel, message);
            var socket = await connections.ConnectAsync(channel.SmtpHost!, channel.SmtpPort, timeout.Token);
            await client.ConnectAsync(socket, channel.SmtpHost!, channel.SmtpPort, Security(channel), timeout.Token);
            if (!string.IsNullOrEmpty(channel.SmtpUser))
            {
                await client.AuthenticateAsync(channel.SmtpUser, channel.SmtpPassword ?? "", timeout.Token);
            }

            var answer = await client.SendAsync(mail, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
            return SendResult.Delivered(250, answer);
        }
        catch (DestinationRefusedException refused)
        {
            return SendResult.Permanent(null, refused.Message);
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            var what = ex.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted => $"recipient {ex.Mailbox} refused",
                SmtpErrorCode.SenderNotAccepted => $"sender {ex.Mailbox} refused",
                _ => "message refused",
            };
            return code >= 500 ? SendResult.Permanent(code, $"{what}: {ex.Message}") : SendResult.Retry(code, $"{what}: {ex.Message}");
        }
        catch (AuthenticationException ex)
        {
            return SendResult.Permanent(null, "sign-in refused: " + ex.Message);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException or SslHandshakeException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return SendResult.Retry(null, ex is OperationCanceledException ? $"no answer within {options.Value.AttemptTimeout}" : ex.Message);
        }
    }

    private MimeMessage Compose(ChannelOptions channel, OutgoingMessage message)
    {
        var mail = new MimeMessage { Subject = message.Title, MessageId = message.MessageId + "@animeprogress" };
        mail.From.Add(MailboxAddress.Parse(channel.From!));
        foreach (var to in channel.Recipients)
        {
            mail.To.Add(MailboxAddress.Parse(to));
        }

        mail.Body = new BodyBuilder { TextBody = EmailBodies.Text(message, links), HtmlBody = EmailBodies.Html(message, links) }.ToMessageBody();
        return mail;
    }

    private static SecureSocketOptions Security(ChannelOptions channel) => channel.SmtpSecurity switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
