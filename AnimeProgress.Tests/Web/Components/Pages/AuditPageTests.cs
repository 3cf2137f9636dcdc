using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace AnimeProgress.Tests.Web.Components.Pages;

/// <summary>/admin/audit with the real queries on SQLite: an Admin lists and filters newest first; anyone else gets nothing.</summary>
public sealed class AuditPageTests : HistoryTestContext
{
    public AuditPageTests()
    {
        Services.AddSingleton(Options.Create(new AuditOptions()));
        Services.AddSingleton<AuditLog>();
        Services.AddSingleton<AuditQueries>();
        Services.AddSingleton<AuditRetention>();
        Services.AddScoped<AuditAdministration>();

        using var db = NewContext();
        db.AuditLog.AddRange(
            new AuditEntry(new AuditActor(AuditActor.UserKind, "1", "ada"), AuditActions.SignIn, AuditOutcomes.Ok, "ada").ToRow(T0),
            new AuditEntry(new AuditActor(AuditActor.KeyKind, "2", "pipeline", 7, "abc123"), AuditActions.JobSubmit, AuditOutcomes.Ok, "41").ToRow(T0.AddMinutes(1)),
            new AuditEntry(new AuditActor(AuditActor.KeyKind, "3", "reader", 8, "def456"), AuditActions.JobSubmit, AuditOutcomes.Refused, null, "403 Scope missing").ToRow(T0.AddMinutes(2)));
        db.SaveChanges();
    }

    private IRenderedComponent<AuditPage> RenderPage()
    {
        Render<MudPopoverProvider>();
        return Render<AuditPage>();
    }

    [Fact]
    public void An_admin_sees_every_entry_newest_first()
    {
        Authorization.SetAuthorized("ada");
        Authorization.SetPolicies(AccessPolicies.Administer);

        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=audit-action]").Count));
        Assert.Equal(["reader (key def456)", "pipeline (key abc123)", "ada"], cut.FindAll("[data-testid=audit-actor]").Select(e => e.TextContent));
        Assert.Equal(["refused", "ok", "ok"], cut.FindAll("[data-testid=audit-outcome]").Select(e => e.TextContent));
        Assert.Contains("forever", cut.Find("[data-testid=audit-retention-current]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_filters_by_actor_and_outcome()
    {
        Authorization.SetAuthorized("ada");
        Authorization.SetPolicies(AccessPolicies.Administer);
        var cut = RenderPage();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=audit-action]").Count));

        var filters = cut.FindComponent<AnimeProgress.Web.Components.Audit.AuditFilters>();
        await cut.InvokeAsync(() => filters.Instance.QueryChanged.InvokeAsync(new AuditQuery { Outcome = AuditOutcomes.Refused }));
        cut.WaitForAssertion(() => Assert.Equal(["reader (key def456)"], cut.FindAll("[data-testid=audit-actor]").Select(e => e.TextContent)));

        await cut.InvokeAsync(() => filters.Instance.QueryChanged.InvokeAsync(new AuditQuery { Actor = "ABC1" }));
        cut.WaitForAssertion(() => Assert.Equal(["pipeline (key abc123)"], cut.FindAll("[data-testid=audit-actor]").Select(e => e.TextContent)));
    }

    [Fact]
    public void A_viewer_reaching_the_component_gets_no_entry_the_server_refuses()
    {
        Authorization.SetAuthorized("vera");
        Authorization.SetRoles(AppRoles.Viewer);

        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.Contains("Only an Admin", cut.Find("[data-testid=audit-error]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=audit-action]"));
        Assert.Empty(cut.FindAll("[data-testid=audit-table]"));
    }
}
