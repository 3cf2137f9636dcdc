using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AnimeProgress.Core.Estimation;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Keys;

namespace AnimeProgress.IntegrationTests.Core.Queue;

/// <summary>
/// Default priorities (issue 16 item 3) through <c>POST /api/jobs</c>: a job sent without a priority gets its workflow's
/// configured default, else its submitter's, else 0; a priority that is sent always wins.
/// </summary>
public sealed class DefaultPriorityApiTests : IAsyncLifetime
{
    private static readonly string LongKey = WorkflowKey.Compute(QueueFleet.Workflow(longRunning: true))!;
    private QueueFleet _fleet = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _fleet = await QueueFleet.StartAsync(extra: new Dictionary<string, string?>
    {
        [$"AnimeProgress:Queue:WorkflowPriorities:{LongKey[..8]}"] = "20",
        ["AnimeProgress:Queue:SubmitterPriorities:olga"] = "5",
    });

    public ValueTask DisposeAsync() => _fleet.DisposeAsync();

    private async Task<long> SubmitAsync(object body, string? key = null)
    {
        using var response = await _fleet.SendAsync(HttpMethod.Post, "/api/jobs", body, key);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<long>();
    }

    [Fact]
    public async Task A_job_sent_without_a_priority_gets_its_workflows_default_else_its_submitters_else_zero()
    {
        await _fleet.ActAsync(HttpMethod.Post, "/api/queue/pause");
        var (_, samKey) = await KeyApps.KeyAsync(_fleet.App, "sam", AppRoles.Operator, ApiScope.Read | ApiScope.Submit);

        var olgas = await SubmitAsync(new { title = "olga's", workflow = QueueFleet.Workflow() });
        var pipeline = await SubmitAsync(new { title = "pipeline", workflow = QueueFleet.Workflow(longRunning: true) });
        var given = await SubmitAsync(new { title = "given", workflow = QueueFleet.Workflow(longRunning: true), priority = 1 });
        var sams = await SubmitAsync(new { title = "sam's", workflow = QueueFleet.Workflow() }, samKey);
        var samsPipeline = await SubmitAsync(new { title = "sam's pipeline", workflow = QueueFleet.Workflow(longRunning: true) }, samKey);

        var queue = await _fleet.QueueAsync();
        var priorities = queue.ToDictionary(j => j!["id"]!.GetValue<long>(), j => j!["priority"]!.GetValue<int>());
        Assert.Equal(5, priorities[olgas]);
        Assert.Equal(20, priorities[pipeline]);
        Assert.Equal(1, priorities[given]);
        Assert.Equal(0, priorities[sams]);
        Assert.Equal(20, priorities[samsPipeline]);
        Assert.Equal([pipeline, samsPipeline, olgas, given, sams], await _fleet.WaitingOrderAsync());
    }
}
