using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator;
using AnimeProgress.ComfyUiEmulator.Imaging;
using AnimeProgress.ComfyUiEmulator.WebSockets;
using AnimeProgress.Core.Jobs;
using AnimeProgress.IntegrationTests.ComfyUiEmulator;
using AnimeProgress.IntegrationTests.Support;

namespace AnimeProgress.IntegrationTests.Web.Edge;

/// <summary>
/// Issue 13 item 2: a preview is served only when its bytes are a PNG, JPEG, GIF or WebP, and then as the type the bytes
/// are, with nosniff; anything else (HTML, SVG, a bitmap) is refused with 415 whatever type ComfyUI claimed. The
/// previews arrive the way a custom node sends them: binary frames on the emulated ComfyUI's WebSocket, for a job the
/// app submitted and is tracking.
/// </summary>
public sealed class PreviewTypeTests(PreviewTypeTests.RunningJob job) : IClassFixture<PreviewTypeTests.RunningJob>
{
    private static readonly byte[] Html = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>fetch('/api/jobs')</script></body></html>");

    private static readonly byte[] Svg = Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"fetch('/api/jobs')\"><rect width=\"8\" height=\"8\"/></svg>");

    // A 1×1 24-bit BMP: an image, but not one on the allow-list.
    private static readonly byte[] Bmp = Convert.FromBase64String("Qk06AAAAAAAAADYAAAAoAAAAAQAAAAEAAAABABgAAAAAAAQAAAATCwAAEwsAAAAAAAAAAAAA/wAAAA==");

    // The smallest real GIF and WebP (1×1).
    private static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    private static readonly byte[] WebP = Convert.FromBase64String("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> Refused => new()
    {
        { "html", "text/html", "type 4" },
        { "html", "image/png", "type 4" },
        { "svg", "image/svg+xml", "type 4" },
        { "bmp", "image/bmp", "type 4" },
        // The legacy frame says "PNG" by a number; the bytes still decide.
        { "html", "image/png", "type 1" },
    };

    public static TheoryData<string, string, string> Served => new()
    {
        { "png", "text/html", "image/png" },
        { "jpeg", "image/png", "image/jpeg" },
        { "gif", "image/gif", "image/gif" },
        { "webp", "application/octet-stream", "image/webp" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_preview_that_is_not_an_allowed_image_is_refused_with_415_and_never_served_as_markup(string content, string claimedType, string frame)
    {
        // First an image the app serves, so the refusal below is this preview's and not a leftover.
        await job.ShowAsync(Bytes("png"), "image/png");
        await job.WaitForAsync(r => r.StatusCode == HttpStatusCode.OK, "the PNG served");

        await job.ShowAsync(Bytes(content), claimedType, legacyFrame: frame == "type 1");

        using var refused = await job.WaitForAsync(r => r.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{content} claimed as {claimedType} refused");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", EdgeClients.Header(refused, "X-Content-Type-Options"));
        var body = await refused.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("<", body, StringComparison.Ordinal);
        Assert.Equal(
            $"The preview ComfyUI sent for job {job.Id} is not a PNG, JPEG, WebP or GIF image, so it is not shown.",
            JsonNode.Parse(body)!["detail"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Served))]
    public async Task A_real_image_is_served_as_the_type_its_bytes_are_with_nosniff(string content, string claimedType, string servedType)
    {
        await job.ShowAsync(Html, "text/html");
        await job.WaitForAsync(r => r.StatusCode == HttpStatusCode.UnsupportedMediaType, "the HTML refused");

        await job.ShowAsync(Bytes(content), claimedType);

        using var served = await job.WaitForAsync(r => r.StatusCode == HttpStatusCode.OK, $"the {content} served");
        Assert.Equal(servedType, served.Content.Headers.ContentType?.ToString());
        Assert.Equal("nosniff", EdgeClients.Header(served, "X-Content-Type-Options"));
        Assert.Equal(Bytes(content), await served.Content.ReadAsByteArrayAsync(Ct));
    }

    private static byte[] Bytes(string content) => content switch
    {
        "html" => Html,
        "svg" => Svg,
        "bmp" => Bmp,
        "png" => PreviewPainter.Png(3, 10),
        "jpeg" => PreviewPainter.Jpeg(3, 10),
        "gif" => Gif,
        "webp" => WebP,
        _ => throw new ArgumentOutOfRangeException(nameof(content)),
    };

    /// <summary>
    /// An emulated ComfyUI, the app tracking it, and one job of the app's that runs for minutes: at this time scale its
    /// checkpoint loader alone takes far longer than the class, and the loader sends no previews of its own.
    /// </summary>
    public sealed class RunningJob : IAsyncLifetime
    {
        private ComfyUiEmulatorServer _gpu = null!;
        private AppHost _app = null!;
        private HttpClient _http = null!;
        private string _promptId = "";

        public long Id { get; private set; }

        public async ValueTask InitializeAsync()
        {
            _gpu = await ComfyUiEmulatorServer.StartAsync(new EmulatorOptions { Port = 0, TimeScale = 500 }, Ct);
            _app = AppHost.Start(new Dictionary<string, string?>
            {
                ["AnimeProgress:ComfyUi:Instances:0:Name"] = "gpu",
                ["AnimeProgress:ComfyUi:Instances:0:BaseUrl"] = _gpu.BaseUrl.ToString(),
            });
            _http = _app.CreateClient();
            await Eventually.True(() => _app.Hub.Instances.Any(i => i is { Name: "gpu", Online: true }), what: "the instance online");

            using var submitted = await _http.PostAsJsonAsync("/api/jobs", new { title = "Preview types", kind = "image", workflow = Graphs.TextToImage(steps: 4, seed: 13) }, Ct);
            Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync(Ct));
            Id = (await submitted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<long>();
            var running = await Eventually.Get(() => _app.Hub.Find(Id) is { Status: JobStatus.Running, PromptId: not null } s ? s : null, TimeSpan.FromSeconds(60), "the job running");
            _promptId = running.PromptId!;
        }

        /// <summary>Sends <paramref name="image"/> as this job's preview, labelled <paramref name="claimedType"/>, as a custom node could.</summary>
        public Task ShowAsync(byte[] image, string claimedType, bool legacyFrame = false)
        {
            Assert.Equal(JobStatus.Running, _app.Hub.Find(Id)?.Status);
            var frame = legacyFrame
                ? BinaryFrames.Preview(claimedType == "image/png" ? BinaryFrames.FormatPng : BinaryFrames.FormatJpeg, image)
                : BinaryFrames.PreviewWithMetadata(
                    new JsonObject { ["node_id"] = "1", ["prompt_id"] = _promptId, ["display_node_id"] = "1", ["real_node_id"] = "1", ["image_type"] = claimedType },
                    image);
            _gpu.BroadcastRawFrame(frame, binary: true);
            return Task.CompletedTask;
        }

        /// <summary>Polls the preview endpoint until its answer matches (the frame reaches the app a moment after it is sent).</summary>
        public async Task<HttpResponseMessage> WaitForAsync(Func<HttpResponseMessage, bool> match, string what)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var response = await _http.GetAsync($"/api/jobs/{Id}/preview", Ct);
                if (match(response))
                {
                    return response;
                }

                var last = $"{(int)response.StatusCode} {response.Content.Headers.ContentType}";
                response.Dispose();
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Timed out waiting for {what} (last answer {last})");
                }

                await Task.Delay(50, Ct);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _app.DisposeAsync();
            await _gpu.DisposeAsync();
        }
    }
}
