using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>GET /view: the files outputs name, ComfyUI's path checks, and large images for benchmarks.</summary>
public sealed class ViewTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task A_saved_image_named_in_history_is_served_as_a_png()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var file = await SaveOneImageAsync(emulator, "shots/take");

        var (response, body) = await emulator.GetAsync(ViewUrl(file));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"filename=\"{file["filename"]}\"", response.Content.Headers.GetValues("Content-Disposition").Single());
        Assert.Equal(PngSignature, body[..8]);
        Assert.Equal("IEND"u8.ToArray(), body[^8..^4]);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task The_same_file_always_has_the_same_bytes_and_another_file_other_bytes()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(batch: 2), clientId: null);
        var images = (await emulator.WaitForHistoryAsync(promptId))["outputs"]!["2"]!["images"]!.AsArray();

        var first = (await emulator.GetAsync(ViewUrl(images[0]!))).Body;
        var again = (await emulator.GetAsync(ViewUrl(images[0]!))).Body;
        var second = (await emulator.GetAsync(ViewUrl(images[1]!))).Body;

        Assert.Equal(first, again);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_preview_image_is_served_from_temp_and_under_the_api_prefix()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var prompt = new JsonObject
        {
            ["1"] = Graphs.Node("EmptyImage", new JsonObject { ["width"] = 8, ["height"] = 8, ["batch_size"] = 1, ["color"] = 0 }),
            ["2"] = Graphs.Node("PreviewImage", new JsonObject { ["images"] = Graphs.Link("1") }),
        };
        var promptId = await emulator.SubmitAsync(prompt, clientId: null);
        var file = (await emulator.WaitForHistoryAsync(promptId))["outputs"]!["2"]!["images"]![0]!;

        var (response, body) = await emulator.GetAsync("api/" + ViewUrl(file));

        Assert.Equal("temp", file["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PngSignature, body[..8]);
    }

    [Fact]
    public async Task A_file_no_output_named_is_404()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (response, body) = await emulator.GetAsync("view?filename=ComfyUI_00001_.png&subfolder=&type=output");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(body);
    }

    [Theory]
    [InlineData("view?type=output", HttpStatusCode.NotFound)]
    [InlineData("view?filename=", HttpStatusCode.BadRequest)]
    [InlineData("view?filename=../secret.png", HttpStatusCode.BadRequest)]
    [InlineData("view?filename=a..b.png", HttpStatusCode.BadRequest)]
    [InlineData("view?filename=/etc/passwd", HttpStatusCode.BadRequest)]
    [InlineData("view?filename=x.png&type=models", HttpStatusCode.BadRequest)]
    [InlineData("view?filename=x.png&subfolder=../../models", HttpStatusCode.Forbidden)]
    [InlineData("view?filename=x.png&subfolder=/etc", HttpStatusCode.Forbidden)]
    [InlineData("view?filename=x.png&subfolder=a/../..", HttpStatusCode.Forbidden)]
    public async Task Bad_names_are_answered_like_comfyui(string url, HttpStatusCode expected)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (response, body) = await emulator.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        Assert.Empty(body);
    }

    [Fact]
    public async Task A_subfolder_that_stays_inside_is_normalized_like_comfyui()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        var file = await SaveOneImageAsync(emulator, "shots/take");

        var (response, _) = await emulator.GetAsync($"view?filename={file["filename"]}&subfolder=shots/extra/../&type=output");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ViewImageBytes_serves_a_valid_png_of_exactly_that_size()
    {
        const long size = 20_000_000;
        await using var emulator = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, ViewImageBytes = size });
        var file = await SaveOneImageAsync(emulator, "big");

        var (response, body) = await emulator.GetAsync(ViewUrl(file));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size, response.Content.Headers.ContentLength);
        Assert.Equal(size, body.LongLength);
        Assert.Equal(PngSignature, body[..8]);
        Assert.Equal("IEND"u8.ToArray(), body[^8..^4]);
        Assert.True(PngChunksAreValid(body), "every chunk's CRC matches");
    }

    [Fact]
    public async Task A_large_file_answers_range_requests()
    {
        await using var emulator = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, ViewImageBytes = 1_000_000 });
        var file = await SaveOneImageAsync(emulator, "big");
        var whole = (await emulator.GetAsync(ViewUrl(file))).Body;

        var (response, part) = await emulator.GetAsync(ViewUrl(file), r => r.Headers.Range = new RangeHeaderValue(999_000, 999_999));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole[999_000..], part);
    }

    [Fact]
    public async Task A_large_file_is_streamed_not_buffered()
    {
        const long size = 200_000_000;
        await using var emulator = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, ViewImageBytes = size });
        var file = await SaveOneImageAsync(emulator, "big");
        // The first request also computes the padding chunk's CRC once; measure a second one.
        await DrainAsync(emulator, ViewUrl(file));
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var read = await DrainAsync(emulator, ViewUrl(file));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(size, read);
        // Server and client share this process: a buffered answer would allocate at least the file's size.
        Assert.True(allocated < size / 2, $"{allocated} bytes allocated to serve {size}");
    }

    /// <summary>Reads the answer through a reused buffer and counts its bytes.</summary>
    private static async Task<long> DrainAsync(EmulatorHarness emulator, string url)
    {
        using var response = await emulator.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            total += n;
        }
        return total;
    }

    private static async Task<JsonNode> SaveOneImageAsync(EmulatorHarness emulator, string prefix)
    {
        var promptId = await emulator.SubmitAsync(Graphs.SavedImages(batch: 1, prefix: prefix), clientId: null);
        return (await emulator.WaitForHistoryAsync(promptId))["outputs"]!["2"]!["images"]![0]!;
    }

    private static string ViewUrl(JsonNode file) =>
        $"view?filename={Uri.EscapeDataString(file["filename"]!.GetValue<string>())}&subfolder={Uri.EscapeDataString(file["subfolder"]!.GetValue<string>())}&type={file["type"]!.GetValue<string>()}";

    /// <summary>Walks the chunks after the signature and checks each CRC, as a strict decoder would.</summary>
    private static bool PngChunksAreValid(byte[] png)
    {
        var at = 8;
        while (at < png.Length)
        {
            var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            if (crc != AnimeProgress.ComfyUiEmulator.Imaging.Crc32.Compute(png.AsSpan(at + 4, 4 + length)))
            {
                return false;
            }
            at += 12 + length;
        }
        return at == png.Length;
    }
}
