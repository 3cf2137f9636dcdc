namespace AnimeProgress.Web.Previews;

/// <summary>
/// The image types a preview may be served as, told by the bytes' magic numbers, never by the type ComfyUI claimed:
/// a custom node can label anything as an image, and a browser shown HTML under this app's origin would run it.
/// </summary>
public static class PreviewImageFormat
{
    private static ReadOnlySpan<byte> Png => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> Gif87 => "GIF87a"u8;

    private static ReadOnlySpan<byte> Gif89 => "GIF89a"u8;

    private static ReadOnlySpan<byte> Riff => "RIFF"u8;

    private static ReadOnlySpan<byte> WebP => "WEBP"u8;

    /// <summary>The media type the bytes are (<c>image/png</c>, <c>image/jpeg</c>, <c>image/webp</c>, <c>image/gif</c>), or null.</summary>
    public static string? Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Png))
        {
            return "image/png";
        }

        if (bytes.StartsWith(Jpeg))
        {
            return "image/jpeg";
        }

        if (bytes.StartsWith(Gif87) || bytes.StartsWith(Gif89))
        {
            return "image/gif";
        }

        // RIFF, a 4-byte length, then the WEBP form type.
        if (bytes.Length >= 12 && bytes.StartsWith(Riff) && bytes[8..12].SequenceEqual(WebP))
        {
            return "image/webp";
        }

        return null;
    }
}
