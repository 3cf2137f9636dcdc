namespace AnimeProgress.TestSupport;

internal static class RepoPaths
{
    /// <summary>The repository root: the folder holding AnimeProgress.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Screenshots => Directory.CreateDirectory(Path.Combine(Root, "docs", "screenshots")).FullName;

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AnimeProgress.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AnimeProgress.sln not found above " + AppContext.BaseDirectory);
    }
}
