namespace AnimeProgress.ComfyUiEmulator.Files;

/// <summary>
/// ComfyUI's path checks, done on strings: a relative path is joined to the type's directory
/// (<c>/opt/ComfyUI/output</c>, <c>…/temp</c>, <c>…/input</c>) and normalized like <c>os.path.abspath</c>; it is allowed
/// only if it stays inside that directory (<c>os.path.commonpath</c>). Nothing here touches the disk.
/// </summary>
internal static class ComfyPath
{
    public const string Output = "output";
    public const string Temp = "temp";
    public const string Input = "input";

    private static readonly string[] Root = ["opt", "ComfyUI"];

    public static bool IsType(string? type) => type is Output or Temp or Input;

    /// <summary>
    /// The normalized path relative to the type's directory ("" for the directory itself, segments joined by "/"),
    /// or null when it leaves the directory (".." too far up, or an absolute path elsewhere).
    /// </summary>
    public static string? Within(string type, string relative)
    {
        var stack = relative.StartsWith('/') ? new List<string>() : [.. Root, type];
        foreach (var segment in relative.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
                continue;
            }
            stack.Add(segment);
        }
        var inside = stack.Count >= Root.Length + 1 && stack[0] == Root[0] && stack[1] == Root[1] && stack[2] == type;
        return inside ? string.Join('/', stack.Skip(Root.Length + 1)) : null;
    }
}
