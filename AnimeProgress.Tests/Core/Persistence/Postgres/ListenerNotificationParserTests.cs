using System.Text.Json;
using AnimeProgress.Core.Persistence.Postgres;

namespace AnimeProgress.Tests.Core.Persistence.Postgres;

/// <summary>The payloads the migrations' triggers send on the listener's channel.</summary>
public sealed class ListenerNotificationParserTests
{
    [Fact]
    public void A_changed_job_row_names_its_id()
    {
        var notice = ListenerNotificationParser.Parse("""{"schema":"anime_api","table":"production_jobs","id":42,"status":"running"}""", "anime_api");
        Assert.Equal(new ListenerNotice(42), notice);
    }

    [Fact]
    public void A_deleted_row_and_an_instance_row_are_told_apart()
    {
        Assert.Equal(new ListenerNotice(7, Deleted: true), ListenerNotificationParser.Parse("""{"schema":"s","table":"production_jobs","id":7,"op":"delete"}""", "s"));
        Assert.Equal(new ListenerNotice(null, "gpu-1"), ListenerNotificationParser.Parse("""{"schema":"s","table":"comfyui_instances","name":"gpu-1"}""", "s"));
    }

    [Fact]
    public void A_payload_without_a_table_is_a_job_row_from_the_first_trigger()
    {
        Assert.Equal(new ListenerNotice(3), ListenerNotificationParser.Parse("""{"id":3}""", "public"));
    }

    [Fact]
    public void Other_schemas_other_tables_and_rows_without_an_id_are_ignored()
    {
        Assert.Null(ListenerNotificationParser.Parse("""{"schema":"other","table":"production_jobs","id":1}""", "anime_api"));
        Assert.Null(ListenerNotificationParser.Parse("""{"schema":"s","table":"progress_history","id":1}""", "s"));
        Assert.Null(ListenerNotificationParser.Parse("""{"schema":"s","table":"production_jobs"}""", "s"));
        Assert.Null(ListenerNotificationParser.Parse("""{"schema":"s","table":"comfyui_instances"}""", "s"));
    }

    [Fact]
    public void A_payload_that_is_not_json_throws_for_the_listener_to_log() =>
        Assert.ThrowsAny<JsonException>(() => ListenerNotificationParser.Parse("not json", "s"));
}
