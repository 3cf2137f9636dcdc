using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Notifications;

namespace AnimeProgress.Tests.Core.Notifications;

/// <summary>Bad configuration fails start naming the key; rules match by their filters; quiet hours; destinations; job outcome ids.</summary>
public sealed class NotificationSettingsTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw/NbnYy+0ZrY=";

    [Theory]
    [InlineData("Slack", "https://example.com/hooks/abc", null, "AnimeProgress:Notifications:Channels:0:Url is not a Slack incoming webhook")]
    [InlineData("Discord", "https://discord.com/channels/1", null, "AnimeProgress:Notifications:Channels:0:Url is not a Discord webhook")]
    [InlineData("Webhook", "https://hooks.example.com/x", "secret", "AnimeProgress:Notifications:Channels:0:Secret must be whsec_")]
    [InlineData("Webhook", "ftp://hooks.example.com/x", Secret, "AnimeProgress:Notifications:Channels:0:Url must be an absolute http(s) URL")]
    [InlineData("Pager", "https://hooks.example.com/x", Secret, "AnimeProgress:Notifications:Channels:0:Type must be Webhook, Slack, Discord or Email")]
    [InlineData("Email", null, null, "AnimeProgress:Notifications:Channels:0:SmtpHost must be")]
    public void A_wrong_channel_fails_naming_its_key(string type, string? url, string? secret, string message)
    {
        var options = new NotificationOptions { Channels = [new ChannelOptions { Name = "c", Type = type, Url = url, Secret = secret }] };
        var result = new NotificationOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_slack_channel_may_point_at_a_host_the_admin_allowed()
    {
        var options = new NotificationOptions
        {
            AllowedDestinations = ["chat-proxy.studio.lan"],
            Channels = [new ChannelOptions { Name = "c", Type = "Slack", Url = "http://chat-proxy.studio.lan/slack" }, new ChannelOptions { Name = "d", Type = "slack", Url = "https://hooks.slack.com/services/T0/B0/x" }],
        };
        Assert.True(new NotificationOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("nowhere", "job.completed", null, null, "AnimeProgress:Notifications:Rules:0:Channel must name a channel")]
    [InlineData("hook", "job.finished", null, null, "AnimeProgress:Notifications:Rules:0:Events names an unknown event 'job.finished'")]
    [InlineData("hook", "", null, null, "AnimeProgress:Notifications:Rules:0:Events must list at least one event")]
    [InlineData("hook", "job.failed", "25:00-07:00", null, "AnimeProgress:Notifications:Rules:0:QuietHours must be HH:mm-HH:mm")]
    [InlineData("hook", "job.failed", "22:00-07:00", "Mars/Olympus", "AnimeProgress:Notifications:Rules:0:TimeZone is not a known time zone")]
    public void A_wrong_rule_fails_naming_its_key(string channel, string events, string? quiet, string? zone, string message)
    {
        var options = new NotificationOptions
        {
            Channels = [new ChannelOptions { Name = "hook", Type = "Webhook", Url = "https://hooks.example.com/x", Secret = Secret }],
            Rules = [new RuleOptions { Channel = channel, Events = [events], QuietHours = quiet, TimeZone = zone }],
        };
        var result = new NotificationOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void The_personal_email_channel_must_be_an_email_channel_when_configured_here_and_may_be_one_stored_on_the_page()
    {
        var hook = new ChannelOptions { Name = "hook", Type = "Webhook", Url = "https://hooks.example.com/x", Secret = Secret };
        var result = new NotificationOptionsValidator().Validate(null, new NotificationOptions { Channels = [hook], PersonalEmailChannel = "hook" });
        Assert.Equal(["AnimeProgress:Notifications:PersonalEmailChannel must name an Email channel ('hook' is Webhook)."], result.Failures);

        var mail = new ChannelOptions { Name = "mail", Type = "email", SmtpHost = "mail.studio.example", From = "progress@studio.example", To = "ops@studio.example" };
        Assert.True(new NotificationOptionsValidator().Validate(null, new NotificationOptions { Channels = [hook, mail], PersonalEmailChannel = "mail" }).Succeeded);
        Assert.True(new NotificationOptionsValidator().Validate(null, new NotificationOptions { Channels = [hook], PersonalEmailChannel = "stored-on-the-page" }).Succeeded);
    }

    [Fact]
    public void Allowed_destinations_must_be_hosts_addresses_or_ranges()
    {
        var result = new NotificationOptionsValidator().Validate(null, new NotificationOptions { AllowedDestinations = ["10.0.0.0/8", "hooks.lan", "not a host!"] });
        Assert.Equal(["AnimeProgress:Notifications:AllowedDestinations:2 must be a host name, an address or a CIDR range such as 10.20.0.0/16 (got 'not a host!')."], result.Failures);
    }

    [Fact]
    public void A_rule_matches_by_type_instance_kind_submitter_workflow_and_owner()
    {
        var done = JobOutcomeEvents.From(new JobSnapshot
        {
            Id = 5, Title = "Opening shot", Kind = JobKind.Video, Status = JobStatus.Completed, Instance = "gpu-1", SubmittedBy = "mika", WorkflowKey = "abc123",
        });
        Assert.True(RuleMatch.Matches(new RuleOptions { Events = ["job.completed,job.failed"] }, done));
        Assert.False(RuleMatch.Matches(new RuleOptions { Events = ["job.failed"] }, done));
        Assert.True(RuleMatch.Matches(new RuleOptions { Events = ["job.completed"], Instance = "GPU-1", Kind = "video", Submitter = "mika", Workflow = "opening" }, done));
        Assert.True(RuleMatch.Matches(new RuleOptions { Events = ["job.completed"], Workflow = "abc123" }, done));
        Assert.False(RuleMatch.Matches(new RuleOptions { Events = ["job.completed"], Kind = "image" }, done));
        Assert.True(RuleMatch.Matches(new RuleOptions { Events = ["job.completed"], Owner = "mika" }, done));
        Assert.False(RuleMatch.Matches(new RuleOptions { Events = ["job.completed"], Owner = "ren" }, done));
    }

    [Fact]
    public void A_lost_job_is_its_own_event_and_an_outcome_takes_the_jobs_id()
    {
        var lost = JobOutcomeEvents.From(new JobSnapshot { Id = 9, Title = "t", Status = JobStatus.Failed, Error = "Lost: ComfyUI no longer knows this job" });
        Assert.Equal(("job.lost", "job.lost:9", "job:9"), (lost.Type, lost.Id, lost.Subject));
        Assert.Equal("job.cancelled:9", JobOutcomeEvents.From(new JobSnapshot { Id = 9, Title = "t", Status = JobStatus.Cancelled }).Id);
    }

    [Fact]
    public void Quiet_hours_across_midnight_end_the_next_morning_in_their_zone()
    {
        Assert.True(QuietHours.TryParse("22:00-07:00", "UTC", out var quiet));
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 7, 0, 0, TimeSpan.Zero), quiet!.EndsAfter(new DateTimeOffset(2026, 12, 7, 23, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 7, 0, 0, TimeSpan.Zero), quiet.EndsAfter(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero)));
        Assert.Null(quiet.EndsAfter(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.10", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700::1111", true)]
    public void Internal_addresses_are_refused_unless_allowed(string address, bool allowed)
    {
        var ip = System.Net.IPAddress.Parse(address);
        Assert.Equal(allowed, new DestinationPolicy([]).Allows("hooks.example.com", ip));
        Assert.True(new DestinationPolicy(["10.0.0.0/8", "hooks.example.com"]).Allows("hooks.example.com", ip));
        Assert.Equal(allowed || address.Replace("::ffff:", "", StringComparison.Ordinal).StartsWith("10.", StringComparison.Ordinal), new DestinationPolicy(["10.0.0.0/8"]).Allows("other.example.com", ip));
    }
}
