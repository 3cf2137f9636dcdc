using AnimeProgress.Web.Api.Access;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Api;

/// <summary>Start-up checks of <c>AnimeProgress:Api</c>; each failure names its key.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    private const int MinTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        const string s = ApiOptions.Section;
        var errors = new List<string>();
        for (var i = 0; i < options.Tokens.Count; i++)
        {
            var token = options.Tokens[i];
            if (string.IsNullOrWhiteSpace(token) || token.Length < MinTokenLength || token.Any(char.IsWhiteSpace))
            {
                errors.Add($"{s}:Tokens:{i} must be at least {MinTokenLength} characters without spaces (a random secret, from an environment variable or user secrets).");
            }
        }

        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!OriginPolicy.IsValidEntry(options.AllowedOrigins[i]))
            {
                errors.Add($"{s}:AllowedOrigins:{i} must be * or an origin such as https://studio.example (scheme, host, optional port; no path) (got '{options.AllowedOrigins[i]}').");
            }
        }

        Range(errors, options.MaxMessageBytes, 256, 1 << 20, "MaxMessageBytes");
        Range(errors, options.MessageBurst, 1, 10_000, "MessageBurst");
        Range(errors, options.MaxQueuedFrames, 4, 100_000, "MaxQueuedFrames");
        Range(errors, options.MaxConnections, 1, 1_000_000, "MaxConnections");
        Range(errors, options.MaxSubscriptionsPerClient, 1, 1_000_000, "MaxSubscriptionsPerClient");
        Range(errors, options.InitialRecentFinished, 0, 10_000, "InitialRecentFinished");
        Range(errors, options.MaxPageSize, 1, 10_000, "MaxPageSize");
        Range(errors, options.CompressionWindowBits, 9, 15, "CompressionWindowBits");
        Range(errors, options.DefaultPageSize, 1, options.MaxPageSize, "DefaultPageSize");
        if (!double.IsFinite(options.MaxMessagesPerSecond) || options.MaxMessagesPerSecond <= 0)
        {
            errors.Add($"{s}:MaxMessagesPerSecond must be a positive number (got {options.MaxMessagesPerSecond}).");
        }

        Positive(errors, options.KeepAliveInterval, "KeepAliveInterval");
        Positive(errors, options.KeepAliveTimeout, "KeepAliveTimeout");
        Positive(errors, options.SendTimeout, "SendTimeout");
        if (options.UpdateInterval < TimeSpan.Zero || options.UpdateInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{s}:UpdateInterval must be between 00:00:00 and 00:01:00 (got {options.UpdateInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, int value, int min, int max, string key)
    {
        if (value < min || value > max)
        {
            errors.Add($"{ApiOptions.Section}:{key} must be between {min} and {max} (got {value}).");
        }
    }

    private static void Positive(List<string> errors, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{ApiOptions.Section}:{key} must be a positive time span such as 00:00:30 (got {value}).");
        }
    }
}
