using AnimeProgress.Web.Components.JobDetail;
using AnimeProgress.Web.Jobs.ReadModel;
using Bunit;

namespace AnimeProgress.Tests.Web.Components.JobDetail;

/// <summary>The job detail page's retry chain (issue 16 item 5): "Retry of #N" and "Retried as #M", as links; nothing for a job without one.</summary>
public sealed class RetryChainTests : ComponentTestContext
{
    [Fact]
    public void A_job_in_the_middle_of_a_chain_links_to_the_job_it_retries_and_to_its_retries()
    {
        var cut = Render<RetryChain>(p => p.Add(c => c.Links, new RetryLinks(4, [9, 12])));

        Assert.Equal("Retry of #4", cut.Find("[data-testid=retry-of]").TextContent.Trim());
        Assert.Equal("jobs/4", cut.Find("[data-testid=retry-of] a").GetAttribute("href"));
        Assert.Equal("Retried as #9, #12", string.Join(" ", cut.Find("[data-testid=retried-as]").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(["jobs/9", "jobs/12"], cut.FindAll("[data-testid=retried-as] a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void A_job_never_retried_shows_no_chain()
    {
        var cut = Render<RetryChain>(p => p.Add(c => c.Links, RetryLinks.None));

        Assert.Empty(cut.FindAll("[data-testid=retry-chain]"));
    }
}
