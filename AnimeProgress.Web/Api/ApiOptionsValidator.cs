using AnimeProgress.Core.Settings;
using AnimeProgress.Web.Api.Access;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api;

/// <summary>Start-up checks of <c>AnimeProgress:Api</c>; each failure names its key.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    private const int MinTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var errors = new SettingErrors(ApiOptions.Section);
        for (var i = 0; i < options.Tokens.Count; i++)
        {
            var token = options.Tokens[i];
            if (string.IsNullOrWhiteSpace(token) || token.Length < MinTokenLength || token.Any(char.IsWhiteSpace))
            {
                errors.Add($"Tokens:{i}", $"must be at least {MinTokenLength} characters without spaces (a random secret, from an environment variable or user secrets).");
            }
        }

        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!OriginPolicy.IsValidEntry(options.AllowedOrigins[i]))
            {
                errors.Add($"AllowedOrigins:{i}", $"must be * or an origin such as https://studio.example (scheme, host, optional port; no path) (got '{options.AllowedOrigins[i]}').");
            }
        }

        errors.Between(nameof(options.MaxMessageBytes), options.MaxMessageBytes, 256, 1 << 20);
        errors.Between(nameof(options.MessageBurst), options.MessageBurst, 1, 10_000);
        errors.Between(nameof(options.MaxQueuedFrames), options.MaxQueuedFrames, 4, 100_000);
        errors.Between(nameof(options.MaxConnections), options.MaxConnections, 1, 1_000_000);
        errors.Between(nameof(options.MaxSubscriptionsPerClient), options.MaxSubscriptionsPerClient, 1, 1_000_000);
        errors.Between(nameof(options.InitialRecentFinished), options.InitialRecentFinished, 0, 10_000);
        errors.Between(nameof(options.MaxPageSize), options.MaxPageSize, 1, 10_000);
        errors.Between(nameof(options.CompressionWindowBits), options.CompressionWindowBits, 9, 15);
        errors.Between(nameof(options.DefaultPageSize), options.DefaultPageSize, 1, options.MaxPageSize);
        if (!double.IsFinite(options.MaxMessagesPerSecond) || options.MaxMessagesPerSecond <= 0)
        {
            errors.Add(nameof(options.MaxMessagesPerSecond), $"must be a positive number (got {options.MaxMessagesPerSecond}).");
        }

        errors.Positive(nameof(options.KeepAliveInterval), options.KeepAliveInterval, "00:00:30");
        errors.Positive(nameof(options.KeepAliveTimeout), options.KeepAliveTimeout, "00:00:30");
        errors.Positive(nameof(options.SendTimeout), options.SendTimeout, "00:00:15");
        errors.Between(nameof(options.UpdateInterval), options.UpdateInterval, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        return errors.Result;
    }
}
