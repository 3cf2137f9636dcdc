using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AnimeProgress.Core.Persistence.Notifications;

/// <summary>The notification tables (issue 18): events, the delivery outbox and its attempts, open conditions, and the channels and rules defined on the page.</summary>
public static class NotificationMapping
{
    public static void Configure(ModelBuilder modelBuilder, bool sqlite)
    {
        var evt = modelBuilder.Entity<NotificationEventRow>();
        evt.ToTable(NotificationEventRow.Table);
        evt.HasKey(e => e.Id);
        evt.Property(e => e.Id).HasColumnName("id").HasMaxLength(NotificationEventRow.IdMaxLength);
        evt.Property(e => e.Type).HasColumnName("type").HasMaxLength(NotificationEventRow.TypeMaxLength);
        evt.Property(e => e.Subject).HasColumnName("subject").HasMaxLength(256);
        evt.Property(e => e.OccurredAt).HasColumnName("occurred_at");
        evt.Property(e => e.Payload).HasColumnName("payload").HasColumnType("text");
        evt.HasIndex(e => e.OccurredAt).HasDatabaseName("ix_notification_events_occurred_at");

        var delivery = modelBuilder.Entity<NotificationDeliveryRow>();
        delivery.ToTable(NotificationDeliveryRow.Table);
        delivery.HasKey(d => d.Id);
        delivery.Property(d => d.Id).HasColumnName("id").ValueGeneratedOnAdd();
        delivery.Property(d => d.EventId).HasColumnName("event_id").HasMaxLength(NotificationEventRow.IdMaxLength);
        delivery.Property(d => d.Channel).HasColumnName("channel").HasMaxLength(128);
        delivery.Property(d => d.Rule).HasColumnName("rule").HasMaxLength(128);
        delivery.Property(d => d.State).HasColumnName("state").HasMaxLength(16);
        delivery.Property(d => d.DigestId).HasColumnName("digest_id").HasMaxLength(64);
        delivery.Property(d => d.Attempts).HasColumnName("attempts");
        delivery.Property(d => d.CreatedAt).HasColumnName("created_at");
        delivery.Property(d => d.NextAttemptAt).HasColumnName("next_attempt_at");
        delivery.Property(d => d.FinishedAt).HasColumnName("finished_at");
        delivery.Property(d => d.LastResult).HasColumnName("last_result").HasMaxLength(NotificationDeliveryRow.ResultMaxLength);
        // The sender reads what is due; the digest counts a rule's recent rows; retention reads by finish time.
        delivery.HasIndex(d => new { d.State, d.NextAttemptAt }).HasDatabaseName("ix_notification_deliveries_due");
        delivery.HasIndex(d => new { d.EventId, d.Channel }).IsUnique().HasDatabaseName("ux_notification_deliveries_event_channel");
        delivery.HasIndex(d => new { d.Channel, d.Rule, d.CreatedAt }).HasDatabaseName("ix_notification_deliveries_rule");
        delivery.HasIndex(d => d.DigestId).HasDatabaseName("ix_notification_deliveries_digest");
        delivery.HasIndex(d => d.FinishedAt).HasDatabaseName("ix_notification_deliveries_finished_at");

        var attempt = modelBuilder.Entity<NotificationAttemptRow>();
        attempt.ToTable(NotificationAttemptRow.Table);
        attempt.HasKey(a => a.Id);
        attempt.Property(a => a.Id).HasColumnName("id").ValueGeneratedOnAdd();
        attempt.Property(a => a.DeliveryId).HasColumnName("delivery_id");
        attempt.Property(a => a.At).HasColumnName("at");
        attempt.Property(a => a.Outcome).HasColumnName("outcome").HasMaxLength(16);
        attempt.Property(a => a.StatusCode).HasColumnName("status_code");
        attempt.Property(a => a.Answer).HasColumnName("answer").HasMaxLength(NotificationAttemptRow.AnswerMaxLength);
        attempt.HasIndex(a => a.DeliveryId).HasDatabaseName("ix_notification_attempts_delivery_id");

        var condition = modelBuilder.Entity<NotificationConditionRow>();
        condition.ToTable(NotificationConditionRow.Table);
        condition.HasKey(c => c.Key);
        condition.Property(c => c.Key).HasColumnName("key").HasMaxLength(NotificationEventRow.IdMaxLength);
        condition.Property(c => c.EventId).HasColumnName("event_id").HasMaxLength(NotificationEventRow.IdMaxLength);
        condition.Property(c => c.BeganAt).HasColumnName("began_at");
        condition.Property(c => c.Mark).HasColumnName("mark").HasMaxLength(64);

        var channel = modelBuilder.Entity<NotificationChannelRow>();
        channel.ToTable(NotificationChannelRow.Table);
        channel.HasKey(c => c.Id);
        channel.Property(c => c.Id).HasColumnName("id").ValueGeneratedOnAdd();
        channel.Property(c => c.Name).HasColumnName("name").HasMaxLength(128);
        channel.Property(c => c.Type).HasColumnName("type").HasMaxLength(16);
        channel.Property(c => c.Url).HasColumnName("url").HasMaxLength(2000);
        channel.Property(c => c.Secret).HasColumnName("secret").HasMaxLength(2000);
        channel.Property(c => c.SmtpHost).HasColumnName("smtp_host").HasMaxLength(256);
        channel.Property(c => c.SmtpPort).HasColumnName("smtp_port");
        channel.Property(c => c.SmtpUseTls).HasColumnName("smtp_use_tls");
        channel.Property(c => c.SmtpUser).HasColumnName("smtp_user").HasMaxLength(256);
        channel.Property(c => c.SmtpPassword).HasColumnName("smtp_password").HasMaxLength(2000);
        channel.Property(c => c.From).HasColumnName("mail_from").HasMaxLength(256);
        channel.Property(c => c.To).HasColumnName("mail_to").HasMaxLength(1000);
        channel.Property(c => c.Owner).HasColumnName("owner").HasMaxLength(256);
        channel.Property(c => c.CreatedAt).HasColumnName("created_at");
        channel.HasIndex(c => c.Name).IsUnique().HasDatabaseName("ux_notification_channels_name");

        var rule = modelBuilder.Entity<NotificationRuleRow>();
        rule.ToTable(NotificationRuleRow.Table);
        rule.HasKey(r => r.Id);
        rule.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        rule.Property(r => r.Name).HasColumnName("name").HasMaxLength(128);
        rule.Property(r => r.Channel).HasColumnName("channel").HasMaxLength(128);
        rule.Property(r => r.Events).HasColumnName("events").HasMaxLength(1000);
        rule.Property(r => r.Workflow).HasColumnName("workflow").HasMaxLength(256);
        rule.Property(r => r.Instance).HasColumnName("instance").HasMaxLength(128);
        rule.Property(r => r.Kind).HasColumnName("kind").HasMaxLength(16);
        rule.Property(r => r.Submitter).HasColumnName("submitter").HasMaxLength(256);
        rule.Property(r => r.Owner).HasColumnName("owner").HasMaxLength(256);
        rule.Property(r => r.DigestAfter).HasColumnName("digest_after");
        rule.Property(r => r.QuietHours).HasColumnName("quiet_hours").HasMaxLength(32);
        rule.Property(r => r.TimeZone).HasColumnName("time_zone").HasMaxLength(64);
        rule.Property(r => r.Enabled).HasColumnName("enabled");
        rule.Property(r => r.CreatedAt).HasColumnName("created_at");
        rule.HasIndex(r => r.Name).IsUnique().HasDatabaseName("ux_notification_rules_name");

        if (sqlite)
        {
            // Same encoding as the other tables: SQLite has no timestamp type; integers sort and compare correctly.
            Binary(evt.Property(e => e.OccurredAt));
            Binary(delivery.Property(d => d.CreatedAt));
            Binary(delivery.Property(d => d.NextAttemptAt));
            delivery.Property(d => d.FinishedAt).HasConversion(new DateTimeOffsetToBinaryConverter());
            Binary(attempt.Property(a => a.At));
            Binary(condition.Property(c => c.BeganAt));
            Binary(channel.Property(c => c.CreatedAt));
            Binary(rule.Property(r => r.CreatedAt));
        }
    }

    private static void Binary(PropertyBuilder<DateTimeOffset> property) => property.HasConversion(new DateTimeOffsetToBinaryConverter());
}
