using System.Text.Json.Nodes;
using AnimeProgress.Core.Jobs;
using AnimeProgress.Core.Queue;
using AnimeProgress.Core.Submission;

namespace AnimeProgress.Tests.Core.Queue;

/// <summary>
/// A fleet-relayed prompt's id kept with its queued job (issue 17 item 2): stored beside its extra_data, read back for
/// every dispatch, never sent to ComfyUI, never taken by a retry, and never set by a client's own extra_data.
/// </summary>
public sealed class FixedPromptIdTests
{
    private const string PromptId = "0b0d5f4e-5a52-4c38-9d7e-3b7d7c3f2a01";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static JobRequest Request(JsonObject? extra, string? promptId) =>
        new("t", JobKind.Image, new JsonObject { ["1"] = new JsonObject { ["class_type"] = "SaveImage", ["inputs"] = new JsonObject() } })
        {
            ExtraData = extra,
            PromptId = promptId,
        };

    [Fact]
    public void The_fixed_id_is_read_back_and_the_extra_data_comes_back_as_the_client_sent_it()
    {
        var row = FleetQueueRows.FromRequest(7, Request(new JsonObject { ["source"] = "script" }, PromptId), Now);

        Assert.Equal(PromptId, FleetQueueRows.FixedPromptIdOf(row));
        Assert.Equal("""{"source":"script"}""", FleetQueueRows.ExtraDataOf(row)!.ToJsonString());
        Assert.Null(FleetQueueRows.ExtraDataOf(FleetQueueRows.FromRequest(8, Request(null, PromptId), Now)));
    }

    [Fact]
    public void A_job_without_one_is_stored_as_before_and_gets_a_new_id_per_dispatch()
    {
        var row = FleetQueueRows.FromRequest(7, Request(new JsonObject { ["source"] = "api" }, null), Now);

        Assert.Equal("""{"source":"api"}""", row.ExtraData);
        Assert.Null(FleetQueueRows.FixedPromptIdOf(row));
    }

    [Fact]
    public void A_clients_extra_data_cannot_fix_an_id_and_a_retry_never_takes_one()
    {
        var sneaky = new JsonObject { ["animeprogress_prompt_id"] = PromptId };
        var row = FleetQueueRows.FromRequest(7, Request(sneaky, null), Now);

        Assert.Null(FleetQueueRows.FixedPromptIdOf(row));
        Assert.Equal("""{"animeprogress_prompt_id":"0b0d5f4e-5a52-4c38-9d7e-3b7d7c3f2a01"}""", FleetQueueRows.ExtraDataOf(row)!.ToJsonString());

        var retry = FleetQueueRows.ToRequest(FleetQueueRows.FromRequest(9, Request(new JsonObject { ["a"] = 1 }, PromptId), Now), "ops");
        Assert.Null(retry.PromptId);
        Assert.Null(FleetQueueRows.FixedPromptIdOf(FleetQueueRows.FromRequest(10, retry, Now)));
        Assert.Equal("""{"a":1}""", retry.ExtraData!.ToJsonString());
    }
}
