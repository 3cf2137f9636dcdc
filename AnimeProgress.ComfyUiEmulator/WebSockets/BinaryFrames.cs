using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Json;

namespace AnimeProgress.ComfyUiEmulator.WebSockets;

/// <summary>ComfyUI's binary frame layouts: a big-endian u32 event type, then the payload.</summary>
internal static class BinaryFrames
{
    public const uint PreviewImage = 1;
    public const uint PreviewImageWithMetadata = 4;

    public const uint FormatJpeg = 1;
    public const uint FormatPng = 2;

    /// <summary>Type 1: u32 image format (1 JPEG, 2 PNG), then the image file.</summary>
    public static byte[] Preview(uint format, ReadOnlySpan<byte> image)
    {
        var frame = new byte[8 + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, PreviewImage);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), format);
        image.CopyTo(frame.AsSpan(8));
        return frame;
    }

    /// <summary>Type 4: u32 length of a JSON metadata block, the JSON, then the image file.</summary>
    public static byte[] PreviewWithMetadata(JsonObject metadata, ReadOnlySpan<byte> image)
    {
        var json = Encoding.UTF8.GetBytes(PyJson.Dumps(metadata));
        var frame = new byte[8 + json.Length + image.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, PreviewImageWithMetadata);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)json.Length);
        json.CopyTo(frame.AsSpan(8));
        image.CopyTo(frame.AsSpan(8 + json.Length));
        return frame;
    }
}
