using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AnimeProgress.Core.Persistence;
using AnimeProgress.Core.Persistence.Audit;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.IntegrationTests.Web.Keys;
using AnimeProgress.Web.Accounts;
using AnimeProgress.Web.Audit;
using AnimeProgress.Web.Cli;
using AnimeProgress.Web.Demo;
using AnimeProgress.Web.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Audit;

/// <summary>
/// The audit log (issue 14 item 10) against the real app on SQLite with an emulated ComfyUI: submissions with their
/// key and outcome, a refused submission, sign-ins (a failed one without its password) and sign-outs, the CLI's user
/// and key changes, and /admin/audit open to an Admin only.
/// </summary>
public sealed class AuditLogTests(AuditLogTests.AuditApp audit) : IClassFixture<AuditLogTests.AuditApp>
{
    private const string Password = "a long enough password";

    public sealed class AuditApp : IAsyncLifetime
    {
        internal AppHost App { get; } = AppHost.StartDemo(extra: new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AnimeProgress:Demo:GenerateJobs"] = "false",
            ["AnimeProgress:Demo:Instances"] = "1",
        });

        public async ValueTask InitializeAsync()
        {
            await Browser.AddUserAsync(App, "vera", AppRoles.Viewer, Password);
            await Browser.AddUserAsync(App, "ada", AppRoles.Admin, Password);
            await Browser.AddUserAsync(App, "sora", AppRoles.Viewer, Password);
        }

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private AppHost App => audit.App;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Database => $"--ConnectionStrings:AnimeProduction=Data Source={App.DatabaseFile}";

    private static StringContent Job(string title) => new(
        $$"""{"title":"{{title}}","kind":"image","workflow":{{DemoWorkflows.Image("x", 3, 1).Workflow.ToJsonString()}}}""", Encoding.UTF8, "application/json");

    /// <summary>The entries matching <paramref name="match"/> once there are at least <paramref name="count"/> (the writer is behind a buffer).</summary>
    private async Task<List<AuditEntryRow>> EntriesAsync(Func<AuditEntryRow, bool> match, int count = 1)
    {
        var contexts = App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>();
        var waitingSince = TimeProvider.System.GetTimestamp();
        while (true)
        {
            await using (var db = await contexts.CreateDbContextAsync(Ct))
            {
                var found = (await db.AuditLog.AsNoTracking().ToListAsync(Ct)).Where(match).ToList();
                if (found.Count >= count)
                {
                    return found;
                }
            }

            Assert.True(TimeProvider.System.GetElapsedTime(waitingSince) < TimeSpan.FromSeconds(30), $"fewer than {count} matching audit entries after 30 s");
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task A_submission_with_a_key_is_audited_as_the_key_and_its_owner_and_the_job_records_its_submitter()
    {
        var (listing, key) = await KeyApps.KeyAsync(App, "render-pipeline", AppRoles.Operator, ApiScope.Read | ApiScope.Submit);

        using var response = await KeyApps.SendAsync(App, HttpMethod.Post, "/api/jobs", key, Job("audited cut"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var id = body.RootElement.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);

        var entry = Assert.Single(await EntriesAsync(e => e.Action == AuditActions.JobSubmit && e.Target == id));
        Assert.Equal(
            (AuditActor.KeyKind, "render-pipeline", listing.Id, listing.Prefix, AuditOutcomes.Ok, "127.0.0.1"),
            (entry.ActorKind, entry.ActorName, entry.KeyId, entry.KeyPrefix, entry.Outcome, entry.ClientAddress));
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<AnimeProgressDbContext>>().CreateDbContextAsync(Ct);
        var waitingSince = TimeProvider.System.GetTimestamp();
        while (await db.ProductionJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == long.Parse(id, CultureInfo.InvariantCulture), Ct) is not { } row)
        {
            Assert.True(TimeProvider.System.GetElapsedTime(waitingSince) < TimeSpan.FromSeconds(30), "the job's row was never written");
            await Task.Delay(50, Ct);
        }

        Assert.Equal("render-pipeline", (await db.ProductionJobs.AsNoTracking().SingleAsync(j => j.Id == long.Parse(id, CultureInfo.InvariantCulture), Ct)).SubmittedBy);
    }

    [Fact]
    public async Task A_viewer_key_submitting_is_refused_with_403_and_audited_as_refused()
    {
        var (listing, key) = await KeyApps.KeyAsync(App, "wall-reader", AppRoles.Viewer, ApiScope.Read);

        using var response = await KeyApps.SendAsync(App, HttpMethod.Post, "/api/jobs", key, Job("not allowed"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var entry = Assert.Single(await EntriesAsync(e => e.Action == AuditActions.JobSubmit && e.KeyId == listing.Id));
        Assert.Equal((AuditOutcomes.Refused, "wall-reader", AuditActor.KeyKind), (entry.Outcome, entry.ActorName, entry.ActorKind));
        Assert.Contains("403", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_ins_failed_sign_ins_and_sign_outs_are_audited_and_no_password_is_ever_recorded()
    {
        const string Wrong = "Tr0ub4dor&3-not-vera's";
        using var browser = new Browser(App);

        using (await browser.SignInAsync("sora", Wrong))
        {
        }

        using (await browser.SignInAsync(Wrong, Password))
        {
        }

        var failed = await EntriesAsync(e => e.Action == AuditActions.SignInFailed, count: 2);
        var wrongPassword = Assert.Single(failed, e => e.Target == "sora");
        Assert.Equal((AuditOutcomes.Refused, "sora", "wrong password"), (wrongPassword.Outcome, wrongPassword.ActorName, wrongPassword.Detail));
        // A name no account has is not recorded either: people type their password into the name field.
        var unknown = Assert.Single(failed, e => e.Target is null);
        Assert.Equal(AuditActor.AnonymousKind, unknown.ActorKind);

        await browser.SignInOrFailAsync("sora", Password);
        using (await browser.PostFormAsync(AccountEndpoints.SignOutPath, [new("__RequestVerificationToken", await browser.FormTokenAsync("/logout"))]))
        {
        }

        Assert.Equal(AuditOutcomes.Ok, Assert.Single(await EntriesAsync(e => e.Action == AuditActions.SignIn && e.ActorName == "sora")).Outcome);
        Assert.Equal("sora", Assert.Single(await EntriesAsync(e => e.Action == AuditActions.SignOut)).ActorName);

        var all = await EntriesAsync(_ => true);
        Assert.All(all, e => Assert.DoesNotContain(
            Wrong, string.Join("|", e.ActorName, e.Target, e.Detail, e.ActorId, e.KeyPrefix, e.ClientAddress), StringComparison.Ordinal));
        Assert.All(all, e => Assert.DoesNotContain(Password, e.Detail ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Users_and_keys_made_and_revoked_with_the_cli_are_audited_as_the_cli()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await UsersCommand.RunAsync(["add", "nightly", "--service", "--role", "Viewer", Database], PasswordPrompt.FromText(new StringReader("")), output, error, Ct));
        Assert.Equal(0, await KeysCommand.RunAsync(["add", "nightly", "--scope", "read", Database], output, error, Ct));
        var key = (await App.Services.GetRequiredService<ApiKeyStore>().ListAsync(null, Ct)).Single(k => k.OwnerName == "nightly");
        Assert.Equal(0, await KeysCommand.RunAsync(["revoke", key.Id.ToString(CultureInfo.InvariantCulture), Database], output, error, Ct));

        var user = Assert.Single(await EntriesAsync(e => e.Action == AuditActions.UserCreate && e.Target == "nightly"));
        var created = Assert.Single(await EntriesAsync(e => e.Action == AuditActions.KeyCreate && e.Target!.Contains(key.Prefix, StringComparison.Ordinal)));
        var revoked = Assert.Single(await EntriesAsync(e => e.Action == AuditActions.KeyRevoke && e.Target!.Contains(key.Prefix, StringComparison.Ordinal)));
        Assert.All([user, created, revoked], e => Assert.Equal((AuditActor.CliKind, Environment.UserName, AuditOutcomes.Ok), (e.ActorKind, e.ActorName, e.Outcome)));
        Assert.Equal("scopes read", created.Detail);
    }

    [Fact]
    public async Task The_audit_page_is_refused_to_a_viewer_and_shown_to_an_admin()
    {
        using (var viewer = new Browser(App))
        {
            await viewer.SignInOrFailAsync("vera", Password);
            using var page = await viewer.GetAsync("/admin/audit");
            Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
            Assert.True(
                page.StatusCode == HttpStatusCode.Forbidden || page.Headers.Location?.OriginalString.Contains("audit", StringComparison.Ordinal) == true,
                $"{page.StatusCode} {page.Headers.Location}");
        }

        using var admin = new Browser(App);
        await admin.SignInOrFailAsync("ada", Password);
        using var shown = await admin.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("Audit log", await shown.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
