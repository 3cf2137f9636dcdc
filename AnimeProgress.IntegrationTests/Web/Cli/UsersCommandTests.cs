using AnimeProgress.IntegrationTests.Support;
using AnimeProgress.Web.Cli;
using Microsoft.Data.Sqlite;

namespace AnimeProgress.IntegrationTests.Web.Cli;

/// <summary>The users commands against a real SQLite file: in-process for each answer, and once as the real program with a piped password.</summary>
public sealed class UsersCommandTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"animeprogress-users-{Guid.NewGuid():N}.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Database => $"--ConnectionStrings:AnimeProduction=Data Source={_file}";

    private static async Task<(int Code, string Output, string Error)> Users(string? stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await UsersCommand.RunAsync(args, PasswordPrompt.FromText(new StringReader(stdin ?? "")), output, error, Ct);
        return (code, output.ToString(), error.ToString());
    }

    private string? PasswordHashOf(string name)
    {
        using var connection = new SqliteConnection($"Data Source={_file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"PasswordHash\" FROM \"AspNetUsers\" WHERE \"UserName\" = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
    }

    [Fact]
    public async Task Add_creates_an_account_with_its_role_and_a_hashed_password_and_list_shows_it()
    {
        var added = await Users("correct horse battery\n", "add", "mika", "--role", "admin", Database);

        Assert.True(added.Code == 0, added.Output + added.Error);
        Assert.Contains("Added the account 'mika' (Admin) to SQLite " + _file, added.Output, StringComparison.Ordinal);
        var hash = PasswordHashOf("mika");
        Assert.False(string.IsNullOrEmpty(hash));
        Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);

        Assert.Equal(0, (await Users("viewer password 1\n", "add", "vera", "--role", "Viewer", Database)).Code);
        var list = await Users(null, "list", Database);
        Assert.Equal(0, list.Code);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("Accounts in SQLite " + _file + ": 2", lines[0]);
        Assert.StartsWith("NAME", lines[1], StringComparison.Ordinal);
        Assert.Equal(["mika  Admin     -", "vera  Viewer    -"], lines[2..]);
        Assert.DoesNotContain(hash!, list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_sets_and_clears_an_accounts_address_and_refuses_an_unknown_account()
    {
        Assert.Equal(0, (await Users("correct horse battery\n", "add", "mika", "--role", "Viewer", Database)).Code);

        var stamp = Scalar("SELECT \"SecurityStamp\" FROM \"AspNetUsers\" WHERE \"UserName\" = 'mika'");
        var set = await Users(null, "email", "MIKA", "mika@studio.example", Database);
        Assert.True(set.Code == 0, set.Output + set.Error);
        Assert.Contains("Set the e-mail address of 'mika' to mika@studio.example", set.Output, StringComparison.Ordinal);
        Assert.Equal("mika@studio.example", Scalar("SELECT \"Email\" FROM \"AspNetUsers\" WHERE \"UserName\" = 'mika'"));
        // Setting the address does not sign the person out (their sessions check the stamp).
        Assert.Equal(stamp, Scalar("SELECT \"SecurityStamp\" FROM \"AspNetUsers\" WHERE \"UserName\" = 'mika'"));
        Assert.Equal("e-mail address mika@studio.example", Scalar("SELECT \"Detail\" FROM \"audit_log\" WHERE \"Action\" = 'user.email'"));

        var unknown = await Users(null, "email", "kai", "kai@studio.example", Database);
        Assert.Equal(1, unknown.Code);
        Assert.Contains("has no account named 'kai'", unknown.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await Users(null, "email", "mika", "--clear", Database)).Code);
        Assert.Null(Scalar("SELECT \"Email\" FROM \"AspNetUsers\" WHERE \"UserName\" = 'mika'"));
    }

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_file}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is var value and not DBNull ? value : null;
    }

    [Fact]
    public async Task A_taken_name_a_short_password_or_no_password_changes_nothing_and_says_why()
    {
        Assert.Equal(0, (await Users("correct horse battery\n", "add", "mika", "--role", "Operator", Database)).Code);

        var taken = await Users("another long password\n", "add", "MIKA", "--role", "Viewer", Database);
        Assert.Equal(1, taken.Code);
        Assert.Contains("already has an account named 'MIKA'", taken.Error, StringComparison.Ordinal);

        var tooShort = await Users("short\n", "add", "kai", "--role", "Viewer", Database);
        Assert.Equal(1, tooShort.Code);
        Assert.Contains("at least 12 characters", tooShort.Error, StringComparison.Ordinal);
        Assert.Contains("AnimeProgress:Accounts:MinPasswordLength", tooShort.Error, StringComparison.Ordinal);

        var none = await Users("", "add", "kai", "--role", "Viewer", Database);
        Assert.Equal(1, none.Code);
        Assert.Contains("no password was given", none.Error, StringComparison.Ordinal);

        Assert.Null(PasswordHashOf("kai"));
        Assert.Contains("Accounts in SQLite " + _file + ": 1", (await Users(null, "list", Database)).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("add needs --role", "add", "mika")]
    [InlineData("--role must be one of Viewer, Operator, Admin (got 'root')", "add", "mika", "--role", "root")]
    [InlineData("add needs the account's name", "add", "--role", "Admin")]
    [InlineData("unknown option '--rolle'", "add", "mika", "--rolle", "Admin")]
    [InlineData("unknown command 'remove'", "remove", "mika")]
    [InlineData("email needs the account's name and an address", "email", "mika")]
    [InlineData("'a@studio.example,b@evil.example' is not one e-mail address", "email", "mika", "a@studio.example,b@evil.example")]
    [InlineData("'Mika <mika@studio.example>' is not one e-mail address", "email", "mika", "Mika <mika@studio.example>")]
    [InlineData("a command is needed")]
    public async Task A_wrong_command_line_is_a_usage_error_before_any_password_is_read(string message, params string[] args)
    {
        var result = await Users("must not be read\n", args);

        Assert.Equal(2, result.Code);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Contains("Usage: AnimeProgress.Web users", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_setting_fails_naming_its_key()
    {
        var result = await Users("correct horse battery\n", "add", "mika", "--role", "Admin", Database, "--AnimeProgress:Accounts:MinPasswordLength=3");

        Assert.Equal(1, result.Code);
        Assert.Contains("AnimeProgress:Accounts:MinPasswordLength", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_program_reads_the_password_from_redirected_standard_input_and_never_echoes_it()
    {
        var settings = new Dictionary<string, string> { ["ConnectionStrings__AnimeProduction"] = $"Data Source={_file}" };

        var (code, output) = await AppProcess.RunUntilExitAsync(settings, ["users", "add", "ops", "--role", "Operator"], Ct, "piped in password\n");

        Assert.True(code == 0, output);
        Assert.Contains("Added the account 'ops' (Operator)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("piped in password", output, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(PasswordHashOf("ops")));

        (code, output) = await AppProcess.RunUntilExitAsync(settings, ["users", "list"], Ct);
        Assert.Equal(0, code);
        Assert.Contains("ops   Operator", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}
