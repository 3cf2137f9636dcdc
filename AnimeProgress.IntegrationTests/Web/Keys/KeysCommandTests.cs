using System.Net;
using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.IntegrationTests.Web.Accounts;
using AnimeProgress.Web.Cli;
using AnimeProgress.Web.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace AnimeProgress.IntegrationTests.Web.Keys;

/// <summary>The keys commands and service accounts against a running app's SQLite file: the printed key works, lists never show a secret.</summary>
public sealed class KeysCommandTests : IAsyncLifetime
{
    private AppHost _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Database => $"--ConnectionStrings:AnimeProduction=Data Source={_app.DatabaseFile}";

    public ValueTask InitializeAsync()
    {
        _app = AppHost.Start(new Dictionary<string, string?> { ["AnimeProgress:Demo:Enabled"] = "false" });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static async Task<(int Code, string Output, string Error)> Run(Func<TextWriter, TextWriter, Task<int>> command)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await command(output, error);
        return (code, output.ToString(), error.ToString());
    }

    private Task<(int Code, string Output, string Error)> Keys(params string[] args) =>
        Run((o, e) => KeysCommand.RunAsync([.. args, Database], o, e, Ct));

    [Fact]
    public async Task A_service_account_gets_a_key_printed_once_that_works_lists_never_show_it_and_revoke_ends_it()
    {
        var added = await Run((o, e) => UsersCommand.RunAsync(["add", "render-farm", "--service", "--role", "Viewer", Database], PasswordPrompt.FromText(new StringReader("")), o, e, Ct));
        Assert.True(added.Code == 0, added.Output + added.Error);

        var made = await Keys("add", "render-farm", "--scope", "read,submit", "--expires", "30d", "--name", "ci");
        Assert.True(made.Code == 0, made.Output + made.Error);
        var key = made.Output.TrimEnd().Split('\n')[^1].Trim();
        var prefix = ApiKeyText.PrefixOf(key);
        Assert.NotNull(prefix);
        Assert.Contains("read,submit", made.Output, StringComparison.Ordinal);

        using (var response = await KeyApps.SendAsync(_app, HttpMethod.Get, "/api/jobs", key))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var list in new[] { await Keys("list"), await Keys("list", "render-farm") })
        {
            Assert.True(list.Code == 0, list.Output + list.Error);
            Assert.Contains(prefix, list.Output, StringComparison.Ordinal);
            Assert.Contains("render-farm", list.Output, StringComparison.Ordinal);
            Assert.Contains("active", list.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(key[^20..], list.Output, StringComparison.Ordinal);
        }

        // A service account cannot sign in: it has no password, so none is right.
        using (var browser = new Browser(_app))
        {
            using var signIn = await browser.SignInAsync("render-farm", "");
            Assert.Contains("failed=true", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
            Assert.False(browser.HasSessionCookie(_app.BaseAddress));
        }

        var id = (await _app.Services.GetRequiredService<ApiKeyStore>().ListAsync(null, Ct)).Single(k => k.Prefix == prefix).Id;
        var revoked = await Keys("revoke", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(revoked.Code == 0, revoked.Output + revoked.Error);
        Assert.Contains("revoked", (await Keys("list")).Output, StringComparison.Ordinal);
        Assert.NotNull((await _app.Services.GetRequiredService<ApiKeyStore>().FindAsync(id, Ct))!.RevokedAt);
    }

    [Fact]
    public async Task Bad_commands_are_usage_errors_and_an_unknown_account_changes_nothing()
    {
        Assert.Equal(2, (await Keys("add", "nobody")).Code);
        Assert.Equal(2, (await Keys("add", "nobody", "--scope", "everything")).Code);
        Assert.Equal(2, (await Keys("add", "nobody", "--scope", "read", "--expires", "soon")).Code);
        Assert.Equal(2, (await Keys("revoke", "abc")).Code);
        var unknown = await Keys("add", "nobody", "--scope", "read");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("no account named 'nobody'", unknown.Error, StringComparison.Ordinal);
        Assert.Empty(await _app.Services.GetRequiredService<ApiKeyStore>().ListAsync(null, Ct));
    }
}
