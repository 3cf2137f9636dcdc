namespace AnimeProgress.Web.Components.TimeZones;

/// <summary>The part of the browser's <c>Intl.DateTimeFormat().resolvedOptions()</c> this app reads.</summary>
public sealed record BrowserDateTimeOptions(string? TimeZone);
