namespace AnimeProgress.Core.Persistence.Audit;

/// <summary>
/// A row of <c>app_settings</c>: a setting an Admin changes at run time (not configuration), shared by every node on
/// the database. The first is the audit log's retention period (issue 14 item 10).
/// </summary>
public sealed class AppSettingRow
{
    public const string Table = "app_settings";

    public string Key { get; set; } = "";

    public string Value { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}
