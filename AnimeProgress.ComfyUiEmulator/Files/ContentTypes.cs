using Microsoft.AspNetCore.StaticFiles;

namespace AnimeProgress.ComfyUiEmulator.Files;

/// <summary>
/// The Content-Type /view sends: Python's mimetypes guess (ComfyUI registers .webp and a charset for .js), and
/// application/octet-stream for unknown extensions and for the types ComfyUI forces to download.
/// </summary>
internal static class ContentTypes
{
    private const string Download = "application/octet-stream";

    private static readonly FileExtensionContentTypeProvider Provider = new();

    private static readonly HashSet<string> ForcedDownload = new(StringComparer.Ordinal)
    {
        "text/html", "text/html-sandboxed", "application/xhtml+xml", "text/javascript", "text/css",
    };

    public static string For(string filename)
    {
        var extension = Path.GetExtension(filename).ToLowerInvariant();
        if (extension == ".js")
        {
            return "application/javascript; charset=utf-8";
        }
        var type = Provider.TryGetContentType(filename, out var guessed) ? guessed : Download;
        return ForcedDownload.Contains(type) ? Download : type;
    }
}
