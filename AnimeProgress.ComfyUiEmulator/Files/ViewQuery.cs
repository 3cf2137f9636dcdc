using Microsoft.AspNetCore.Http;

namespace AnimeProgress.ComfyUiEmulator.Files;

/// <summary>
/// GET /view's query, checked in ComfyUI's order (server.py <c>view_image</c>): no filename → 404; empty name, a leading
/// "/" or any ".." in the name → 400; unknown type → 400; a subfolder that leaves the type's directory → 403. A
/// trailing " [output]" / " [input]" / " [temp]" annotation on the name picks the directory, as folder_paths does.
/// </summary>
internal static class ViewQuery
{
    public static (int Status, FileRef File) Resolve(IQueryCollection query)
    {
        if (!query.TryGetValue("filename", out var names))
        {
            return (StatusCodes.Status404NotFound, default);
        }
        var (filename, annotated) = Annotated(names[0] ?? "");
        if (filename.Length == 0)
        {
            return (StatusCodes.Status400BadRequest, default);
        }
        if (filename[0] == '/' || filename.Contains("..", StringComparison.Ordinal))
        {
            return (StatusCodes.Status400BadRequest, default);
        }
        var type = annotated ?? (query.TryGetValue("type", out var types) ? types[0] ?? "" : ComfyPath.Output);
        if (!ComfyPath.IsType(type))
        {
            return (StatusCodes.Status400BadRequest, default);
        }
        var subfolder = "";
        if (query.TryGetValue("subfolder", out var subfolders))
        {
            if (ComfyPath.Within(type, subfolders[0] ?? "") is not { } inside)
            {
                return (StatusCodes.Status403Forbidden, default);
            }
            subfolder = inside;
        }
        // os.path.basename: a "dir/name" filename serves "name" from the subfolder.
        var basename = filename[(filename.LastIndexOf('/') + 1)..];
        return (StatusCodes.Status200OK, new FileRef(type, subfolder, basename));
    }

    /// <summary>folder_paths.annotated_filepath: slices off 9, 8 or 7 characters (" [output]", " [input]", " [temp]").</summary>
    private static (string Name, string? Type) Annotated(string name)
    {
        static string Cut(string s, int n) => s.Length > n ? s[..^n] : "";
        if (name.EndsWith("[output]", StringComparison.Ordinal))
        {
            return (Cut(name, 9), ComfyPath.Output);
        }
        if (name.EndsWith("[input]", StringComparison.Ordinal))
        {
            return (Cut(name, 8), ComfyPath.Input);
        }
        if (name.EndsWith("[temp]", StringComparison.Ordinal))
        {
            return (Cut(name, 7), ComfyPath.Temp);
        }
        return (name, null);
    }
}
