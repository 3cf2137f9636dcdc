using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.ComfyUi;

/// <summary>Start-up checks of <c>AnimeProgress:ComfyUi</c>; each failure names its key.</summary>
public sealed class ComfyUiOptionsValidator : IValidateOptions<ComfyUiOptions>
{
    /// <summary>Previews are a few hundred KiB; a bigger cap only lets a hostile peer make the reader buffer more.</summary>
    public const int MaxFrameBytesLimit = 256 * 1024 * 1024;

    /// <summary>ComfyUI keeps at most 10,000 history entries; a wider read could only be slower.</summary>
    public const int HistoryReadLimit = 10_000;

    public ValidateOptionsResult Validate(string? name, ComfyUiOptions options)
    {
        var errors = new SettingErrors(ComfyUiOptions.Section);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var urls = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Instances.Count; i++)
        {
            var instance = options.Instances[i];
            var key = $"Instances:{i}";
            if (!Uri.TryCreate(instance.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{key}:BaseUrl", $"must be an absolute http(s) URL such as http://127.0.0.1:8188 (got '{Shown(instance.BaseUrl)}').");
            }
            else if (!urls.Add(url.GetLeftPart(UriPartial.Path).TrimEnd('/')))
            {
                // Two connections to one machine would follow every job twice.
                errors.Add($"{key}:BaseUrl", $"'{Shown(url)}' is the URL of another instance.");
            }

            if (string.IsNullOrWhiteSpace(instance.Name))
            {
                errors.Add($"{key}:Name", "must not be empty.");
            }
            else if (!names.Add(instance.Name))
            {
                errors.Add($"{key}:Name", $"'{instance.Name}' is used by another instance.");
            }
        }

        errors.Positive(nameof(options.ReconnectInitialDelay), options.ReconnectInitialDelay, "00:00:00.500");
        errors.Positive(nameof(options.ReconnectMaxDelay), options.ReconnectMaxDelay, "00:00:30");
        if (options.ReconnectMaxDelay < options.ReconnectInitialDelay)
        {
            errors.Add(nameof(options.ReconnectMaxDelay), $"must not be shorter than {errors.Key(nameof(options.ReconnectInitialDelay))}.");
        }

        errors.Positive(nameof(options.SystemStatsInterval), options.SystemStatsInterval, "00:00:05");
        errors.Positive(nameof(options.RequestTimeout), options.RequestTimeout, "00:00:10");
        errors.NotNegative(nameof(options.QueueReadDelay), options.QueueReadDelay);
        errors.Positive(nameof(options.QueuePollBusy), options.QueuePollBusy, "00:00:03");
        errors.Positive(nameof(options.QueuePollIdle), options.QueuePollIdle, "00:00:15");
        errors.Positive(nameof(options.OfflineProbeInterval), options.OfflineProbeInterval, "00:00:01");
        errors.Between(nameof(options.HistoryReadWindow), options.HistoryReadWindow, 1, HistoryReadLimit);
        errors.Between(nameof(options.HistoryReadMax), options.HistoryReadMax, Math.Max(1, options.HistoryReadWindow), HistoryReadLimit);
        errors.Positive(nameof(options.LoopHealthyAfter), options.LoopHealthyAfter, "00:00:30");
        errors.Between(nameof(options.MaxResponseBytes), options.MaxResponseBytes, 64 * 1024, 1024 * 1024 * 1024);
        errors.Between(nameof(options.MaxSystemStatsBytes), options.MaxSystemStatsBytes, 4 * 1024, 64 * 1024 * 1024);
        errors.Between(nameof(options.MaxFrameBytes), options.MaxFrameBytes, 1024, MaxFrameBytesLimit);
        return errors.Result;
    }

    // Start-up errors reach the log: a URL's user:pass@ must not.
    private static string? Shown(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? Shown(parsed) : url?.Contains('@', StringComparison.Ordinal) == true ? "(a URL with user info)" : url;

    private static string Shown(Uri url) => ComfyUiInstance.WithoutUserInfo(url).ToString();
}
