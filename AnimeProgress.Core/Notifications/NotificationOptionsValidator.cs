using System.Globalization;
using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Notifications;

/// <summary>Checks <see cref="NotificationOptions"/> at start; every message names the full key.</summary>
public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new SettingErrors(NotificationOptions.Section);
        for (var i = 0; i < options.AllowedDestinations.Count; i++)
        {
            if (!DestinationPolicy.IsValidEntry(options.AllowedDestinations[i]))
            {
                errors.Add($"AllowedDestinations:{i}", $"must be a host name, an address or a CIDR range such as 10.20.0.0/16 (got '{options.AllowedDestinations[i]}').");
            }
        }

        var policy = new DestinationPolicy(options.AllowedDestinations);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Channels.Count; i++)
        {
            var channel = options.Channels[i];
            var prefix = $"Channels:{i.ToString(CultureInfo.InvariantCulture)}:";
            NotificationSettingsCheck.CheckChannel(channel, policy, (field, problem) => errors.Add(prefix + field, problem));
            if (!string.IsNullOrWhiteSpace(channel.Name) && !names.Add(channel.Name))
            {
                errors.Add(prefix + "Name", $"'{channel.Name}' is used by another channel.");
            }
        }

        // A channel stored on the page may be named too; only a configured one can be checked at start.
        if (options.Channels.FirstOrDefault(c => c.Name == options.PersonalEmailChannel) is { } personal
            && !string.Equals(personal.Type, nameof(ChannelType.Email), StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(nameof(options.PersonalEmailChannel), $"must name an Email channel ('{personal.Name}' is {personal.Type}).");
        }

        var ruleNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var prefix = $"Rules:{i.ToString(CultureInfo.InvariantCulture)}:";
            NotificationSettingsCheck.CheckRule(options.Rules[i], names, (field, problem) => errors.Add(prefix + field, problem));
            if (options.Rules[i].Name is { Length: > 0 } ruleName && !ruleNames.Add(ruleName))
            {
                errors.Add(prefix + "Name", $"'{ruleName}' is used by another rule.");
            }
        }

        errors.Positive(nameof(options.RetryInitialDelay), options.RetryInitialDelay, "00:00:02");
        errors.Positive(nameof(options.RetryMaxDelay), options.RetryMaxDelay, "00:01:00");
        if (options.RetryMaxDelay < options.RetryInitialDelay)
        {
            errors.Add(nameof(options.RetryMaxDelay), $"must not be shorter than RetryInitialDelay ({options.RetryInitialDelay}).");
        }

        errors.Positive(nameof(options.DeadLetterAfter), options.DeadLetterAfter, "1.00:00:00");
        errors.Positive(nameof(options.Retention), options.Retention, "30.00:00:00");
        errors.Positive(nameof(options.AttemptTimeout), options.AttemptTimeout, "00:00:10");
        errors.Positive(nameof(options.SendInterval), options.SendInterval, "00:00:01");
        errors.Positive(nameof(options.DetectInterval), options.DetectInterval, "00:00:02");
        errors.NotNegative(nameof(options.OfflineAfter), options.OfflineAfter);
        if (options.MaxAnswerBytes is < 0 or > 1_048_576)
        {
            errors.Add(nameof(options.MaxAnswerBytes), $"must be between 0 and 1048576 (got {options.MaxAnswerBytes}).");
        }

        if (options.MaxConcurrentSends is < 1 or > 64)
        {
            errors.Add(nameof(options.MaxConcurrentSends), $"must be between 1 and 64 (got {options.MaxConcurrentSends}).");
        }

        if (options.OverdueFactor < 1 || double.IsNaN(options.OverdueFactor))
        {
            errors.Add(nameof(options.OverdueFactor), $"must be 1 or more (got {options.OverdueFactor}).");
        }

        if (options.VramNearlyFull is <= 0 or > 1 || double.IsNaN(options.VramNearlyFull))
        {
            errors.Add(nameof(options.VramNearlyFull), $"must be above 0 and at most 1 (got {options.VramNearlyFull}).");
        }

        if (options.LinkBaseUrl is { } link && (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add(nameof(options.LinkBaseUrl), $"must be an absolute http(s) URL (got '{link}').");
        }

        return errors.Result;
    }
}
