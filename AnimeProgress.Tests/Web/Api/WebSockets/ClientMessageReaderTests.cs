using System.Text;
using AnimeProgress.Web.Api.WebSockets;

namespace AnimeProgress.Tests.Web.Api.WebSockets;

public sealed class ClientMessageReaderTests
{
    private static (ClientRequest? Request, string? Error) Read(string json)
    {
        var (request, error) = ClientMessageReader.Read(Encoding.UTF8.GetBytes(json));
        return (request, error?.Message);
    }

    [Theory]
    [InlineData("""{"type":"ping"}""", ClientRequestKind.Ping, 0)]
    [InlineData("""{"type":"subscribe_job","job_id":123}""", ClientRequestKind.Subscribe, 123)]
    [InlineData("""{"type":"subscribe_job","job_id":"123"}""", ClientRequestKind.Subscribe, 123)]
    [InlineData("""{"type":"unsubscribe_job","job_id":9007199254740993}""", ClientRequestKind.Unsubscribe, 9007199254740993)]
    [InlineData("""{"job_id":5,"type":"subscribe_job","client":"seed.js"}""", ClientRequestKind.Subscribe, 5)]
    public void The_seeds_messages_are_understood(string json, ClientRequestKind kind, long jobId)
    {
        var (request, error) = Read(json);

        Assert.Null(error);
        Assert.Equal(new ClientRequest(kind, jobId), request);
    }

    [Theory]
    [InlineData("", "Invalid JSON")]
    [InlineData("{\"type\":", "Invalid JSON")]
    [InlineData("\"ping\"", "Message must be a JSON object")]
    [InlineData("{\"type\":7}", "Missing message type")]
    [InlineData("{\"type\":\"PING\"}", "Unknown message type: PING")]
    [InlineData("{\"type\":\"subscribe_job\",\"job_id\":{}}", "job_id must be a number")]
    [InlineData("{\"type\":\"subscribe_job\",\"job_id\":\"-1\"}", "job_id must be a number")]
    [InlineData("{\"type\":\"subscribe_job\",\"job_id\":1e400}", "job_id must be a number")]
    public void Anything_else_is_an_error_with_a_clear_message(string json, string message)
    {
        var (request, error) = Read(json);

        Assert.Null(request);
        Assert.Equal(message, error);
    }

    [Fact]
    public void A_long_unknown_type_is_not_echoed_in_full()
    {
        var (_, error) = Read("{\"type\":\"" + new string('a', 500) + "\"}");

        Assert.True(error!.Length < 100, error);
    }
}
