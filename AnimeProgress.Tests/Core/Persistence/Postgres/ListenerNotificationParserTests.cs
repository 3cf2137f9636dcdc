using AnimeProgress.Core.Persistence.Postgres;

namespace AnimeProgress.Tests.Core.Persistence.Postgres;

/// <summary>The payloads the migrations' triggers send on the listener's channel.</summary>
public sealed class ListenerNotificationParserTests
{
    private static ListenerNotice? Parse(string payload, string schema)
    {
        Assert.True(ListenerNotificationParser.TryParse(payload, schema, out var notice), payload);
        return notice;
    }

    [Fact]
    public void A_changed_job_row_names_its_id()
    {
        var notice = Parse("""{"schema":"anime_api","table":"production_jobs","id":42,"status":"running"}""", "anime_api");
        Assert.Equal(new ListenerNotice(42), notice);
    }

    [Fact]
    public void A_deleted_row_and_an_instance_row_are_told_apart()
    {
        Assert.Equal(new ListenerNotice(7, Deleted: true), Parse("""{"schema":"s","table":"production_jobs","id":7,"op":"delete"}""", "s"));
        Assert.Equal(new ListenerNotice(null, "gpu-1"), Parse("""{"schema":"s","table":"comfyui_instances","name":"gpu-1"}""", "s"));
    }

    [Fact]
    public void A_payload_without_a_table_is_a_job_row_from_the_first_trigger()
    {
        Assert.Equal(new ListenerNotice(3), Parse("""{"id":3}""", "public"));
    }

    [Fact]
    public void Other_schemas_other_tables_and_rows_without_an_id_are_ignored()
    {
        Assert.Null(Parse("""{"schema":"other","table":"production_jobs","id":1}""", "anime_api"));
        Assert.Null(Parse("""{"schema":"s","table":"progress_history","id":1}""", "s"));
        Assert.Null(Parse("""{"schema":"s","table":"production_jobs"}""", "s"));
        Assert.Null(Parse("""{"schema":"s","table":"comfyui_instances"}""", "s"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"id\":1,\"id\":2}")]
    [InlineData("{\"id\":1")]
    [InlineData("")]
    public void A_payload_that_cannot_be_read_is_refused_for_the_listener_to_log(string payload)
    {
        Assert.False(ListenerNotificationParser.TryParse(payload, "s", out var notice));
        Assert.Null(notice);
    }

    /// <summary>On main, <c>{"schema":1}</c> threw InvalidOperationException out of the listener's callback.</summary>
    [Theory]
    [InlineData("{\"schema\":1}")]
    [InlineData("{\"schema\":null,\"id\":1}")]
    [InlineData("{\"schema\":\"s\",\"table\":7,\"id\":\"x\"}")]
    [InlineData("{\"schema\":\"s\",\"id\":1e400}")]
    [InlineData("{\"schema\":\"s\",\"table\":\"comfyui_instances\",\"name\":{}}")]
    public void Wrong_types_are_ignored_never_thrown(string payload) => Assert.Null(Parse(payload, "s"));
}
