using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;

namespace AnimeProgress.IntegrationTests.ComfyUiEmulator;

/// <summary>POST /upload/image answered like ComfyUI's image_upload, and the uploaded files served by /view.</summary>
public sealed class UploadTests
{
    [Fact]
    public async Task An_upload_is_answered_with_name_subfolder_and_type()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (status, body) = await UploadAsync(emulator, "ref.png", [1, 2, 3], subfolder: "refs");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"name":"ref.png","subfolder":"refs","type":"input"}""", body);
    }

    [Fact]
    public async Task An_uploaded_file_is_served_by_view_with_the_same_bytes()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        byte[] content = [.. Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7))];
        await UploadAsync(emulator, "pose.png", content, subfolder: "poses");

        var (response, served) = await emulator.GetAsync("view?filename=pose.png&subfolder=poses&type=input");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(content, served);
    }

    [Fact]
    public async Task The_same_name_with_other_content_is_renamed_and_with_the_same_content_is_kept()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await UploadAsync(emulator, "a.png", [1]);

        var (_, other) = await UploadAsync(emulator, "a.png", [2]);
        var (_, same) = await UploadAsync(emulator, "a.png", [1]);

        Assert.Equal("a (1).png", JsonNode.Parse(other)!["name"]!.GetValue<string>());
        Assert.Equal("a.png", JsonNode.Parse(same)!["name"]!.GetValue<string>());
        Assert.Equal([2], (await emulator.GetAsync("view?filename=a%20(1).png&type=input")).Body);
    }

    [Fact]
    public async Task Concurrent_uploads_of_one_name_each_get_their_own_file()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var answers = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => UploadAsync(emulator, "same.png", [(byte)i, (byte)i])));

        var names = answers.Select(a => JsonNode.Parse(a.Body)!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(6, names.Distinct().Count());
        for (var i = 0; i < names.Count; i++)
        {
            var (_, served) = await emulator.GetAsync("view?type=input&filename=" + Uri.EscapeDataString(names[i]));
            Assert.Equal([(byte)(i + 1), (byte)(i + 1)], served);
        }
    }

    [Fact]
    public async Task Overwrite_replaces_the_file_under_its_name()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        await UploadAsync(emulator, "a.png", [1]);

        var (_, body) = await UploadAsync(emulator, "a.png", [9, 9], overwrite: "true");

        Assert.Equal("a.png", JsonNode.Parse(body)!["name"]!.GetValue<string>());
        Assert.Equal([9, 9], (await emulator.GetAsync("view?filename=a.png&type=input")).Body);
    }

    [Fact]
    public async Task Type_output_uploads_are_served_as_outputs()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (_, body) = await UploadAsync(emulator, "done.webp", [4, 5], type: "output");

        Assert.Equal("""{"name":"done.webp","subfolder":"","type":"output"}""", body);
        var (response, served) = await emulator.GetAsync("view?filename=done.webp&type=output");
        Assert.Equal("image/webp", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal([4, 5], served);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/etc")]
    public async Task A_subfolder_outside_the_input_directory_is_400(string subfolder)
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (status, body) = await UploadAsync(emulator, "x.png", [1], subfolder: subfolder);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Empty(body);
    }

    [Fact]
    public async Task A_form_without_an_image_file_is_400()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        using var form = new MultipartFormDataContent { { new StringContent("refs"), "subfolder" } };

        using var response = await emulator.Http.PostAsync("upload/image", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_type_fails_as_comfyui_does_with_500()
    {
        await using var emulator = await EmulatorHarness.StartAsync();

        var (status, body) = await UploadAsync(emulator, "x.png", [1], type: "models");

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("500 Internal Server Error\n\nServer got itself in trouble", body);
    }

    [Fact]
    public async Task A_body_past_max_upload_size_gets_aiohttps_413()
    {
        await using var emulator = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, MaxUploadSizeBytes = 100_000 });

        var (status, body) = await UploadAsync(emulator, "big.png", new byte[300_000]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Matches("^Maximum request body size 100000 exceeded, actual body size [0-9]+$", body);
        Assert.Equal(HttpStatusCode.NotFound, (await emulator.GetAsync("view?filename=big.png&type=input")).Response.StatusCode);
    }

    [Fact]
    public async Task The_413_counts_every_file_of_the_form()
    {
        await using var emulator = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, MaxUploadSizeBytes = 100_000 });
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(new byte[60_000]), "image", "a.png" },
            { new ByteArrayContent(new byte[60_000]), "extra", "b.png" },
        };

        using var response = await emulator.Http.PostAsync("upload/image", form, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        // Neither file alone passes the limit; the count stops at the chunk that crossed it, as aiohttp's does.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        const string prefix = "Maximum request body size 100000 exceeded, actual body size ";
        Assert.StartsWith(prefix, body, StringComparison.Ordinal);
        Assert.InRange(long.Parse(body[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture), 100_001, 120_000);
    }

    [Fact]
    public async Task A_malformed_multipart_body_is_aiohttps_500()
    {
        await using var emulator = await EmulatorHarness.StartAsync();
        using var content = new StringContent("--b\r\nnot a header line at all", System.Text.Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        using var response = await emulator.Http.PostAsync("upload/image", content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task A_body_of_exactly_max_upload_size_is_accepted()
    {
        await using var emulator = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, MaxUploadSizeBytes = 100_000 });

        var (status, _) = await UploadAsync(emulator, "edge.png", new byte[100_000]);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Features_report_the_configured_max_upload_size()
    {
        await using var emulator = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeScale = 0.05, MaxUploadSizeBytes = 12345 });

        var features = await emulator.GetJsonAsync("features");

        Assert.Equal(12345, (long)features["max_upload_size"]!);
    }

    private static async Task<(HttpStatusCode Status, string Body)> UploadAsync(
        EmulatorHarness emulator, string filename, byte[] content, string? subfolder = null, string? type = null, string? overwrite = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", filename);
        if (subfolder is not null)
        {
            form.Add(new StringContent(subfolder), "subfolder");
        }
        if (type is not null)
        {
            form.Add(new StringContent(type), "type");
        }
        if (overwrite is not null)
        {
            form.Add(new StringContent(overwrite), "overwrite");
        }
        using var response = await emulator.Http.PostAsync("upload/image", form, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
