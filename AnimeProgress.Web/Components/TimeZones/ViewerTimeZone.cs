using Microsoft.JSInterop;

namespace AnimeProgress.Web.Components.TimeZones;

/// <summary>
/// The time zone of the person looking at this circuit, asked of their browser once (scoped: one per circuit). Clock
/// times such as "Finishes about 14:05" are shown in it, not in the server's zone. Until the browser has answered
/// (prerendering, a static page, an old browser) it is UTC.
/// </summary>
public sealed class ViewerTimeZone
{
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    /// <summary>True once the browser named a zone this server knows.</summary>
    public bool Known { get; private set; }

    /// <summary>
    /// Asks the browser through its built-in <c>Intl.DateTimeFormat().resolvedOptions().timeZone</c> (an IANA name such
    /// as "Asia/Tokyo"): no script of ours, so nothing for the Content-Security-Policy to allow. True when the zone changed.
    /// </summary>
    public async Task<bool> DetectAsync(IJSRuntime js, CancellationToken cancellationToken)
    {
        if (Known)
        {
            return false;
        }

        var format = await js.InvokeAsync<IJSObjectReference?>("Intl.DateTimeFormat", cancellationToken);
        if (format is null)
        {
            return false;
        }

        BrowserDateTimeOptions? options;
        try
        {
            options = await format.InvokeAsync<BrowserDateTimeOptions?>("resolvedOptions", cancellationToken);
        }
        finally
        {
            await format.DisposeAsync();
        }

        if (options?.TimeZone is not { Length: > 0 } id || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return false;
        }

        Zone = zone;
        Known = true;
        return true;
    }
}
