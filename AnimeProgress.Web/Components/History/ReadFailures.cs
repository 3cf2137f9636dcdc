namespace AnimeProgress.Web.Components.History;

/// <summary>The failures of a database read that the job pages show as a message instead of failing the circuit.</summary>
internal static class ReadFailures
{
    public static bool IsDatabaseFailure(Exception ex) =>
        ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException;
}
