namespace AnimeProgress.ComfyUiEmulator.Imaging;

/// <summary>
/// Writes a baseline JPEG whose 8×8 blocks are each one flat colour. Flat blocks need only DC
/// coefficients, so the whole encoder is a level shift, a colour transform and two tiny
/// Huffman tables (12 DC categories of 4 bits each; an AC table holding only end-of-block).
/// That is all a sampler preview needs: a real, decodable JPEG whose colour changes per step.
/// </summary>
internal static class JpegWriter
{
    public static byte[] Encode(int blocksWide, int blocksHigh, Func<int, int, Rgb> blockColour)
    {
        var width = blocksWide * 8;
        var height = blocksHigh * 8;
        using var output = new MemoryStream();
        output.Write([0xFF, 0xD8]); // SOI
        output.Write([0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);

        // One quantisation table of all ones: DC values pass through unchanged.
        output.Write([0xFF, 0xDB, 0x00, 0x43, 0x00]);
        for (var i = 0; i < 64; i++)
        {
            output.WriteByte(1);
        }

        output.Write([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03,
            0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00]);

        // DHT: DC table 0 with categories 0–11 at code length 4; AC table 0 with only EOB (0x00) at length 1.
        output.Write([0xFF, 0xC4, 0x00, 0x31, 0x00, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        for (byte category = 0; category < 12; category++)
        {
            output.WriteByte(category);
        }
        output.Write([0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]);

        output.Write([0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x00, 0x3F, 0x00]);

        var bits = new BitWriter(output);
        Span<int> previousDc = stackalloc int[3];
        Span<int> dc = stackalloc int[3];
        for (var by = 0; by < blocksHigh; by++)
        {
            for (var bx = 0; bx < blocksWide; bx++)
            {
                var c = blockColour(bx, by);
                double y = 0.299 * c.R + 0.587 * c.G + 0.114 * c.B;
                double cb = 128 - 0.168736 * c.R - 0.331264 * c.G + 0.5 * c.B;
                double cr = 128 + 0.5 * c.R - 0.418688 * c.G - 0.081312 * c.B;
                // A flat block's DC coefficient is 8 × (level − 128).
                dc[0] = (int)Math.Round(8 * (y - 128));
                dc[1] = (int)Math.Round(8 * (cb - 128));
                dc[2] = (int)Math.Round(8 * (cr - 128));
                for (var component = 0; component < 3; component++)
                {
                    var diff = dc[component] - previousDc[component];
                    previousDc[component] = dc[component];
                    var category = Category(diff);
                    bits.Write(category, 4);
                    if (category > 0)
                    {
                        bits.Write(diff >= 0 ? diff : diff + (1 << category) - 1, category);
                    }
                    bits.Write(0, 1); // EOB: all AC coefficients are zero
                }
            }
        }
        bits.Flush();
        output.Write([0xFF, 0xD9]); // EOI
        return output.ToArray();
    }

    private static int Category(int value)
    {
        var magnitude = Math.Abs(value);
        var category = 0;
        while (magnitude > 0)
        {
            category++;
            magnitude >>= 1;
        }
        return category;
    }

    /// <summary>MSB-first bit packing with JPEG's 0xFF byte stuffing.</summary>
    private sealed class BitWriter(Stream output)
    {
        private int _buffer;
        private int _count;

        public void Write(int value, int length)
        {
            for (var i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8)
                {
                    Emit();
                }
            }
        }

        public void Flush()
        {
            while (_count != 0)
            {
                Write(1, 1);
            }
        }

        private void Emit()
        {
            output.WriteByte((byte)_buffer);
            if (_buffer == 0xFF)
            {
                output.WriteByte(0x00);
            }
            _buffer = 0;
            _count = 0;
        }
    }
}
