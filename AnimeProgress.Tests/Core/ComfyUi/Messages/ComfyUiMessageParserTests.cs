using System.Text;
using AnimeProgress.Core.ComfyUi.Messages;

namespace AnimeProgress.Tests.Core.ComfyUi.Messages;

public sealed class ComfyUiMessageParserTests
{
    private static ComfyUiEvent Parse(string json)
    {
        var result = ComfyUiMessageParser.ParseText(Encoding.UTF8.GetBytes(json));
        Assert.Null(result.Error);
        return result.Event!;
    }

    [Fact]
    public void Reads_every_message_type_the_real_server_sends()
    {
        Assert.Equal(new StatusEvent(5, "late-e2e5ecf9"), Parse("""{"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 5}}, "sid": "late-e2e5ecf9"}}"""));
        Assert.Equal("ed8a", Assert.IsType<ExecutionStartEvent>(Parse("""{"type": "execution_start", "data": {"prompt_id": "ed8a", "timestamp": 1795912196084}}""")).PromptId);
        Assert.Equal(["1", "2"], Assert.IsType<ExecutionCachedEvent>(Parse("""{"type": "execution_cached", "data": {"nodes": ["1", "2"], "prompt_id": "p", "timestamp": 1}}""")).Nodes);
        Assert.Equal(new ExecutingEvent("p", "2"), Parse("""{"type": "executing", "data": {"node": "2", "display_node": "2", "prompt_id": "p"}}"""));
        Assert.Equal(new ExecutingEvent("p", null), Parse("""{"type": "executing", "data": {"node": null, "prompt_id": "p"}}"""));
        Assert.Equal(new ExecutingEvent(null, "2"), Parse("""{"type": "executing", "data": {"node": "2"}}"""));
        Assert.Equal(new ProgressEvent("p", "3", 7, 12), Parse("""{"type": "progress", "data": {"value": 7, "max": 12, "prompt_id": "p", "node": "3"}}"""));
        var state = Assert.IsType<ProgressStateEvent>(Parse("""{"type": "progress_state", "data": {"prompt_id": "p", "nodes": {"1": {"value": 1.0, "max": 1.0, "state": "finished"}, "3": {"value": 7, "max": 12, "state": "running"}}}}"""));
        Assert.Equal([new NodeProgress("1", 1, 1, true), new NodeProgress("3", 7, 12, false)], state.Nodes);
        Assert.Equal("4", Assert.IsType<ExecutedEvent>(Parse("""{"type": "executed", "data": {"node": "4", "display_node": "4", "output": {"text": ["64"]}, "prompt_id": "p"}}""")).Node);
        Assert.IsType<ExecutionSuccessEvent>(Parse("""{"type": "execution_success", "data": {"prompt_id": "p", "timestamp": 1795912201643}}"""));
        var error = Assert.IsType<ExecutionErrorEvent>(Parse("""{"type": "execution_error", "data": {"prompt_id": "p", "node_id": "2", "node_type": "ImageBlur", "executed": ["1"], "exception_message": "bad padding\n", "exception_type": "RuntimeError", "traceback": [], "current_inputs": {}, "current_outputs": [], "timestamp": 1}}"""));
        Assert.Equal(("ImageBlur", "RuntimeError"), (error.NodeType, error.ExceptionType));
        Assert.Equal("SaveImageWebsocket", Assert.IsType<ExecutionInterruptedEvent>(Parse("""{"type": "execution_interrupted", "data": {"prompt_id": "p", "node_id": "2", "node_type": "SaveImageWebsocket", "executed": ["1"], "timestamp": 1}}""")).NodeType);
        Assert.Equal(new IgnoredEvent("feature_flags"), Parse("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}"""));
    }

    [Theory]
    [InlineData("\"loading\"", "loading")]
    [InlineData("\" running \"", "running")]
    [InlineData("null", null)]
    [InlineData("42", null)]
    [InlineData("{\"a\":1}", null)]
    [InlineData("[\"loading\"]", null)]
    [InlineData("\"\"", null)]
    [InlineData("\"a\\nb\"", null)]
    [InlineData("\"an activity far longer than any single word a server would say\"", null)]
    public void The_proposed_activity_is_read_when_it_is_a_short_word_and_otherwise_dropped_without_losing_the_progress(string activity, string? expected)
    {
        var state = Assert.IsType<ProgressStateEvent>(Parse("""{"type": "progress_state", "data": {"prompt_id": "p", "nodes": {"3": {"value": 0, "max": 20, "state": "running", "activity": """ + activity + "}}}}"));

        Assert.Equal(new NodeProgress("3", 0, 20, false, expected), Assert.Single(state.Nodes));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"data": {}}""")]
    [InlineData("""{"type": "progress", "data": {"value": "many", "max": 3}}""")]
    [InlineData("""{"type": "execution_start", "data": {}}""")]
    [InlineData("""{"type": "execution_start"}""")]
    [InlineData("""{"type": "status", "data": {"status": {}}}""")]
    [InlineData("""{"type": "executing", "data": {"node": {"nested": true}}}""")]
    public void Malformed_text_frames_give_an_error_not_an_exception(string json)
    {
        var result = ComfyUiMessageParser.ParseText(Encoding.UTF8.GetBytes(json));

        Assert.Null(result.Event);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void Reads_type_1_previews_with_the_format_at_bytes_4_to_7()
    {
        byte[] frame = [0, 0, 0, 1, 0, 0, 0, 2, 0x89, 0x50, 0x4e, 0x47];
        var preview = Assert.IsType<PreviewEvent>(ComfyUiMessageParser.ParseBinary(frame).Event);

        Assert.Equal("image/png", preview.MediaType);
        Assert.Equal(4, preview.Image.Length);
        Assert.Null(preview.PromptId);
    }

    [Fact]
    public void Reads_type_4_previews_with_their_metadata()
    {
        var meta = Encoding.UTF8.GetBytes("""{"node_id": "3", "prompt_id": "p1", "image_type": "image/jpeg"}""");
        var frame = new byte[8 + meta.Length + 3];
        frame[3] = 4;
        frame[7] = (byte)meta.Length;
        meta.CopyTo(frame, 8);
        var preview = Assert.IsType<PreviewEvent>(ComfyUiMessageParser.ParseBinary(frame).Event);

        Assert.Equal(("p1", "3", "image/jpeg", 3), (preview.PromptId, preview.NodeId, preview.MediaType, preview.Image.Length));
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 9, 1, 2 })]
    [InlineData(new byte[] { 0, 0, 0, 4, 0, 0, 0xff, 0xff, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 1 })]
    public void Binary_frames_with_bad_headers_give_an_error(byte[] frame) =>
        Assert.NotNull(ComfyUiMessageParser.ParseBinary(frame).Error);
}
