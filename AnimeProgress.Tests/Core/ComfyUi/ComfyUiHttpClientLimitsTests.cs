using System.Net;
using System.Text;
using AnimeProgress.Core.Boundary;
using AnimeProgress.Core.ComfyUi;

namespace AnimeProgress.Tests.Core.ComfyUi;

/// <summary>ComfyUI's HTTP answers are read under a size cap, and the strings kept from them are capped.</summary>
public sealed class ComfyUiHttpClientLimitsTests
{
    private static readonly ComfyUiInstance Gpu = new("gpu-1", new Uri("http://render:secret@10.0.0.5:8188"));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_queue_answer_far_over_the_cap_is_read_whole_prompt_by_prompt(bool announced)
    {
        // 3,000 prompts, several times the 64 KiB cap: none may be left unseen (issue 13, item 4).
        var prompts = Enumerable.Range(0, 3000).Select(i =>
            "[" + i + ",\"p" + i + "\",{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"shot-" + i + "\"}}},{\"client_id\":\"batch\"},[\"9\"]]");
        var body = "{\"queue_running\":[],\"queue_pending\":[" + string.Join(',', prompts) + "]}";
        Assert.True(body.Length > 4 * 64 * 1024);
        using var http = new HttpClient(new Answer(body, announced));
        var client = new ComfyUiHttpClient(http, Gpu, new ComfyUiOptions { MaxResponseBytes = 64 * 1024 });

        var queue = await client.GetQueueAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3000, queue.Pending.Count);
        Assert.Equal("p2999", queue.Pending[^1].PromptId);
        Assert.Equal("shot-2999", queue.Pending[^1].OutputPrefix);
        Assert.Equal("batch", queue.Pending[^1].ClientId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task One_queued_prompt_over_the_cap_is_refused_with_a_clear_error(bool announced)
    {
        var body = "{\"queue_running\":[],\"queue_pending\":[[1,\"p1\",{\"pad\":\"" + new string('x', 200_000) + "\"},{},[]]]}";
        using var http = new HttpClient(new Answer(body, announced));
        var client = new ComfyUiHttpClient(http, Gpu, new ComfyUiOptions { MaxResponseBytes = 64 * 1024 });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => client.GetQueueAsync(TestContext.Current.CancellationToken));

        Assert.Contains("GET /queue holds a single prompt (or other value) of more than 65536 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("AnimeProgress:ComfyUi:MaxResponseBytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_history_answer_over_the_cap_is_refused_with_a_clear_error(bool announced)
    {
        var body = "{\"p1\":{\"status\":{},\"pad\":\"" + new string('x', 200_000) + "\"}}";
        using var http = new HttpClient(new Answer(body, announced));
        var client = new ComfyUiHttpClient(http, Gpu, new ComfyUiOptions { MaxResponseBytes = 64 * 1024 });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => client.GetHistoryAsync("p1", TestContext.Current.CancellationToken));

        Assert.Contains("answered more than 65536 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_system_stats_answer_has_its_own_smaller_cap()
    {
        using var http = new HttpClient(new Answer("{\"devices\":[],\"pad\":\"" + new string('x', 10_000) + "\"}", announced: true));
        var client = new ComfyUiHttpClient(http, Gpu, new ComfyUiOptions { MaxSystemStatsBytes = 4096 });

        await Assert.ThrowsAsync<InvalidDataException>(() => client.GetSystemStatsAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_history_error_of_a_megabyte_is_cut_to_the_configured_length()
    {
        var huge = new string('e', 1 << 20);
        var body = "{\"p1\":{\"status\":{\"status_str\":\"error\",\"messages\":[[\"execution_error\",{\"exception_message\":\"" + huge
            + "\",\"node_type\":\"" + huge + "\"}]]}}}";
        using var http = new HttpClient(new Answer(body, announced: true));
        var client = new ComfyUiHttpClient(http, Gpu, limits: new InputLimits { MaxErrorLength = 500 });

        var entry = await client.GetHistoryAsync("p1", TestContext.Current.CancellationToken);

        Assert.Equal(500, entry!.ErrorMessage!.Length);
        Assert.EndsWith("… [cut, 1048576 characters in all]", entry.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(128, entry.ErrorNodeType!.Length);
    }

    [Fact]
    public async Task Duplicate_keys_in_an_answer_are_invalid_data_not_an_argument_exception()
    {
        using var http = new HttpClient(new Answer("""{"queue_running":[],"queue_running":[]}""", announced: true));
        var client = new ComfyUiHttpClient(http, Gpu);

        await Assert.ThrowsAsync<InvalidDataException>(() => client.GetQueueAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void The_display_url_has_no_user_info()
    {
        Assert.Equal("http://10.0.0.5:8188/", Gpu.DisplayUrl.ToString());
        Assert.Equal("render:secret", Gpu.BaseUrl.UserInfo);
        Assert.Equal("http://10.0.0.5:8188/", new ComfyUiInstance("b", new Uri("http://10.0.0.5:8188")).DisplayUrl.ToString());
    }

    private sealed class Answer(string body, bool announced) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            // Unannounced: a stream without a length, as a chunked answer arrives.
            HttpContent content = announced ? new ByteArrayContent(bytes) : new StreamContent(new UnseekableStream(bytes));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
