using AnimeProgress.Web.Limits;
using Microsoft.AspNetCore.Http;

namespace AnimeProgress.Tests.Web.Limits;

public sealed class ClientRateLimitingTests
{
    [Theory]
    [InlineData("POST", "/api/jobs", ClientRateLimiting.SubmissionPolicy)]
    [InlineData("POST", "/API/jobs/", ClientRateLimiting.SubmissionPolicy)]
    [InlineData("GET", "/api/jobs", ClientRateLimiting.ApiPolicy)]
    [InlineData("GET", "/api/jobs/7/history", ClientRateLimiting.ApiPolicy)]
    [InlineData("GET", "/api/instances", ClientRateLimiting.ApiPolicy)]
    [InlineData("GET", "/ws", ClientRateLimiting.ApiPolicy)]
    [InlineData("GET", "/api/jobs/7/preview", null)]
    [InlineData("GET", "/", null)]
    [InlineData("POST", "/_blazor/negotiate", null)]
    [InlineData("GET", "/healthz", null)]
    public void Each_request_counts_against_the_right_limit(string method, string path, string? policy)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;

        Assert.Equal(policy, ClientRateLimiting.PolicyOf(context.Request));
    }
}
