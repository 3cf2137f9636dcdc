using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Core.Persistence.Columns;

/// <summary>
/// Rows read back from <c>production_jobs</c> are boundary input too: other programs write that table, and on
/// SQLite (or a widened column) nothing bounds their text. Before a row becomes a snapshot its free text is cut to
/// <c>AnimeProgress:Limits</c> like text from ComfyUI, and its prompt id is fitted as the writer fits it.
/// </summary>
internal static class IncomingRowText
{
    /// <summary>Caps the row's texts in place (rows are read untracked; nothing is written back).</summary>
    public static ProductionJobRow Cap(ProductionJobRow row, InputLimits limits)
    {
        row.Title = ColumnText.Fit(row.Title, limits.MaxTitleLength) ?? "";
        row.Error = ColumnText.Fit(row.Error, limits.MaxErrorLength);
        row.ComfyUiInstance = ColumnText.Fit(row.ComfyUiInstance, limits.MaxNameLength);
        row.CurrentNode = ColumnText.Fit(row.CurrentNode, limits.MaxNameLength);
        row.ComfyUiJobId = ColumnText.FitIdentifier(row.ComfyUiJobId, limits.MaxPromptIdLength);
        return row;
    }
}
