using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;

namespace AnimeProgress.ComfyUiEmulator.Imaging;

/// <summary>
/// The bytes <c>GET /view</c> serves for a file the emulator named in an output: a 64×64 PNG whose colours follow from
/// the file's type, subfolder and name (the same file always has the same bytes), optionally padded to an exact size
/// with a private ancillary chunk that every PNG decoder skips, so a benchmark can fetch a 20 MB image.
/// </summary>
internal static class OutputImage
{
    private const int Side = 64;

    /// <summary>Private, ancillary, safe-to-copy chunk type ("e" ancillary, "m" private, "P" reserved upper, "d" safe to copy).</summary>
    private const string PaddingChunk = "emPd";

    private static readonly ConcurrentDictionary<long, uint> PaddingCrcs = new();

    /// <summary>The smallest padded size: the natural PNG (stored, so its size is fixed) plus an empty padding chunk.</summary>
    public static long MinimumPaddedBytes { get; } = Natural("").Length + 12;

    /// <summary>A seekable stream of the file's bytes: the natural PNG when <paramref name="totalBytes"/> is 0, else exactly that many bytes.</summary>
    public static Stream Open(string key, long totalBytes)
    {
        var png = Natural(key);
        if (totalBytes <= 0)
        {
            return new MemoryStream(png, writable: false);
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(totalBytes, MinimumPaddedBytes);

        // Everything before IEND, the padding chunk (header, zeros, CRC), then IEND.
        var zeros = totalBytes - png.Length - 12;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(zeros, int.MaxValue, nameof(totalBytes));
        var iend = png.AsSpan(png.Length - 12);
        var prefix = new byte[png.Length - 12 + 8];
        png.AsSpan(0, png.Length - 12).CopyTo(prefix);
        PngWriter.ChunkHeader(PaddingChunk, (int)zeros).CopyTo(prefix, png.Length - 12);
        var suffix = new byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(suffix, PaddingCrcs.GetOrAdd(zeros, ZeroChunkCrc));
        iend.CopyTo(suffix.AsSpan(4));
        return new ZeroPaddedStream(prefix, zeros, suffix);
    }

    private static byte[] Natural(string key)
    {
        var seed = Fnv1a(key);
        return PngWriter.Encode(Side, Side, (x, y) => Colour(x, y, seed), CompressionLevel.NoCompression);
    }

    private static Rgb Colour(int x, int y, uint seed)
    {
        var r = (byte)(seed & 0xFF);
        var g = (byte)((seed >> 8) & 0xFF);
        var b = (byte)((seed >> 16) & 0xFF);
        return new Rgb((byte)(r + x * 3), (byte)(g + y * 3), (byte)(b + (x + y) * 2));
    }

    /// <summary>Stable across processes, unlike string.GetHashCode.</summary>
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return hash;
    }

    /// <summary>CRC of the padding chunk (type + zeros); computed once per size, so serving a large file costs no hashing.</summary>
    private static uint ZeroChunkCrc(long zeros)
    {
        var crc = Crc32.Compute(Encoding.ASCII.GetBytes(PaddingChunk));
        var block = new byte[64 * 1024];
        for (var left = zeros; left > 0; left -= block.Length)
        {
            crc = Crc32.Compute(block.AsSpan(0, (int)Math.Min(block.Length, left)), crc);
        }
        return crc;
    }
}
