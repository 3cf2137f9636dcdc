using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Telemetry;

/// <summary>Start-up checks of <c>AnimeProgress:Metrics</c>; each failure names its key.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var errors = new SettingErrors(MetricsOptions.Section);
        if (options.Port is { } port && port is < 1 or > 65535)
        {
            errors.Add(nameof(options.Port), $"must be a TCP port from 1 to 65535, or unset to serve /metrics on the app's own address (got {port}).");
        }

        if (options.OtlpEndpoint is { } endpoint && !IsHttpUrl(endpoint))
        {
            errors.Add(nameof(options.OtlpEndpoint), $"must be an absolute http(s) URL such as http://otel-collector:4317 (got '{endpoint}').");
        }

        return errors.Result;
    }

    internal static bool IsHttpUrl(Uri endpoint) =>
        endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttp || endpoint.Scheme == Uri.UriSchemeHttps);

    internal static bool IsPort(int? port) => port is >= 1 and <= 65535;
}
