using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AnimeProgress.ComfyUiEmulator.Imaging;

/// <summary>Writes an 8-bit RGB PNG; enough for preview frames (SaveImageWebsocket sends PNGs).</summary>
internal static class PngWriter
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary><paramref name="level"/> NoCompression gives a size that depends on the dimensions only.</summary>
    public static byte[] Encode(int width, int height, Func<int, int, Rgb> pixel, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        output.Write(Signature);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        WriteChunk(output, "IHDR", header);

        using (var raw = new MemoryStream())
        {
            using (var zlib = new ZLibStream(raw, level, leaveOpen: true))
            {
                var row = new byte[1 + width * 3];
                for (var y = 0; y < height; y++)
                {
                    row[0] = 0; // filter: none
                    for (var x = 0; x < width; x++)
                    {
                        var c = pixel(x, y);
                        row[1 + x * 3] = c.R;
                        row[2 + x * 3] = c.G;
                        row[3 + x * 3] = c.B;
                    }
                    zlib.Write(row);
                }
            }
            WriteChunk(output, "IDAT", raw.ToArray());
        }
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The 8-byte chunk header (length, type) that precedes a chunk's data.</summary>
    public static byte[] ChunkHeader(string type, int length)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        return header;
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(data, Crc32.Compute(typeBytes)));
        output.Write(word);
    }
}
