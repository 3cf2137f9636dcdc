using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Imaging;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>Binary preview frames (reference §2.2).</summary>
public sealed class PreviewTests
{
    [Fact]
    public async Task A_client_that_negotiated_preview_metadata_gets_type_4_previews_and_others_type_1()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var modern = await emulator.ConnectWithPreviewMetadataAsync("modern");
        var legacy = await emulator.ConnectAsync("legacy");

        var modernJob = await emulator.SubmitAsync(Graphs.TextToImage(steps: 3), "modern");
        await modern.WaitForJobEndAsync(modernJob, TestContext.Current.CancellationToken);
        var legacyJob = await emulator.SubmitAsync(Graphs.TextToImage(steps: 3, seed: 7), "legacy");
        await legacy.WaitForJobEndAsync(legacyJob, TestContext.Current.CancellationToken);

        var withMetadata = modern.Messages.Where(m => m.IsBinary).ToList();
        Assert.Equal(3, withMetadata.Count);
        Assert.All(withMetadata, frame =>
        {
            Assert.Equal(4u, frame.BinaryType);
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(frame.Binary.AsSpan(4));
            var metadata = JsonNode.Parse(Encoding.UTF8.GetString(frame.Binary!, 8, length))!;
            Assert.Equal("5", metadata["node_id"]!.GetValue<string>());
            Assert.Equal(modernJob, metadata["prompt_id"]!.GetValue<string>());
            Assert.Equal("5", metadata["display_node_id"]!.GetValue<string>());
            Assert.Equal("5", metadata["real_node_id"]!.GetValue<string>());
            Assert.Null(metadata["parent_node_id"]);
            Assert.Equal("image/jpeg", metadata["image_type"]!.GetValue<string>());
            AssertJpeg(frame.Binary.AsSpan(8 + length));
        });
        // Type 4 comes between the step's progress_state and its progress message.
        var firstPreview = modern.Messages.ToList().FindIndex(m => m.IsBinary);
        Assert.Equal("progress_state", modern.Messages[firstPreview - 1].Type);
        Assert.Equal("progress", modern.Messages[firstPreview + 1].Type);

        var legacyFrames = legacy.Messages.Where(m => m.IsBinary).ToList();
        Assert.Equal(3, legacyFrames.Count);
        Assert.All(legacyFrames, frame =>
        {
            Assert.Equal(1u, frame.BinaryType);
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(frame.Binary.AsSpan(4)));
            AssertJpeg(frame.Binary.AsSpan(8));
        });
    }

    [Fact]
    public async Task SaveImageWebsocket_sends_png_previews()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var modern = await emulator.ConnectWithPreviewMetadataAsync("modern");

        var promptId = await emulator.SubmitAsync(Graphs.Images(batch: 2), "modern");
        await modern.WaitForJobEndAsync(promptId, TestContext.Current.CancellationToken);

        var frames = modern.Messages.Where(m => m.IsBinary).ToList();
        Assert.Equal(2, frames.Count);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(frames[0].Binary.AsSpan(4));
        Assert.Contains("\"image_type\": \"image/png\"", Encoding.UTF8.GetString(frames[0].Binary!, 8, length), StringComparison.Ordinal);
        AssertPng(frames[0].Binary.AsSpan(8 + length));
    }

    [Fact]
    public void Preview_images_change_with_the_step()
    {
        Assert.NotEqual(PreviewPainter.Jpeg(1, 10), PreviewPainter.Jpeg(9, 10));
        Assert.NotEqual(PreviewPainter.Png(1, 10), PreviewPainter.Png(9, 10));
        AssertJpeg(PreviewPainter.Jpeg(3, 10));
        AssertPng(PreviewPainter.Png(3, 10));
    }

    /// <summary>SOI, the frame header's size, and EOI.</summary>
    private static void AssertJpeg(ReadOnlySpan<byte> image)
    {
        Assert.True(image.Length > 100);
        Assert.Equal(0xFF, image[0]);
        Assert.Equal(0xD8, image[1]);
        Assert.Equal(0xFF, image[^2]);
        Assert.Equal(0xD9, image[^1]);
        var sof = image.IndexOf([(byte)0xFF, (byte)0xC0]);
        Assert.True(sof > 0);
        Assert.Equal(64, BinaryPrimitives.ReadUInt16BigEndian(image[(sof + 5)..]));
        Assert.Equal(64, BinaryPrimitives.ReadUInt16BigEndian(image[(sof + 7)..]));
    }

    /// <summary>Signature, then every chunk's CRC checks out, ending with IEND.</summary>
    private static void AssertPng(ReadOnlySpan<byte> image)
    {
        Assert.True(image[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
        var offset = 8;
        var last = "";
        while (offset < image.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(image[offset..]);
            last = Encoding.ASCII.GetString(image.Slice(offset + 4, 4));
            var crc = BinaryPrimitives.ReadUInt32BigEndian(image[(offset + 8 + length)..]);
            Assert.Equal(crc, Crc32.Compute(image.Slice(offset + 4, 4 + length)));
            offset += 12 + length;
        }
        Assert.Equal("IEND", last);
    }
}
