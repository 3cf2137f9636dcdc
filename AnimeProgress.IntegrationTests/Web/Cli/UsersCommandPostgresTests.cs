using AnimeProgress.IntegrationTests.Core.Persistence.Postgres;
using AnimeProgress.TestSupport.Postgres;
using AnimeProgress.Web.Cli;
using Npgsql;

namespace AnimeProgress.IntegrationTests.Web.Cli;

/// <summary>The users commands against a real PostgreSQL: accounts in the configured schema, migrations as start-up would run them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class UsersCommandPostgresTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Code, string Output, string Error)> Users(string? stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await UsersCommand.RunAsync(args, PasswordPrompt.FromText(new StringReader(stdin ?? "")), output, error, Ct);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Add_migrates_a_fresh_database_and_stores_the_account_in_the_configured_schema()
    {
        var database = await postgres.CreateDatabaseAsync("ap_users", Ct);
        string[] settings = ["--AnimeProgress:Database:Provider=Postgres", $"--ConnectionStrings:AnimeProduction={database}", "--AnimeProgress:Database:Schema=studio"];

        var added = await Users("correct horse battery\n", ["add", "ada", "--role", "Admin", .. settings]);

        Assert.True(added.Code == 0, added.Output + added.Error);
        Assert.Contains("to PostgreSQL 127.0.0.1:", added.Output, StringComparison.Ordinal);
        Assert.Contains(", schema studio", added.Output, StringComparison.Ordinal);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(Ct);
            await using var command = new NpgsqlCommand(
                """SELECT r."Name" FROM studio."AspNetUsers" u JOIN studio."AspNetUserRoles" ur ON ur."UserId" = u."Id" JOIN studio."AspNetRoles" r ON r."Id" = ur."RoleId" WHERE u."NormalizedUserName" = 'ADA'""",
                connection);
            Assert.Equal("Admin", await command.ExecuteScalarAsync(Ct));
        }

        var list = await Users(null, ["list", .. settings]);
        Assert.Equal(0, list.Code);
        Assert.Contains("ada   Admin", list.Output, StringComparison.Ordinal);

        // With MigrateOnStart off and the schema behind, nothing is written and the message says what to run.
        var other = await postgres.CreateDatabaseAsync("ap_users_off", Ct);
        var refused = await Users("correct horse battery\n", "add", "ada", "--role", "Admin", "--AnimeProgress:Database:Provider=Postgres",
            $"--ConnectionStrings:AnimeProduction={other}", "--AnimeProgress:Database:MigrateOnStart=false");
        Assert.Equal(1, refused.Code);
        Assert.Contains("AnimeProgress:Database:MigrateOnStart", refused.Error, StringComparison.Ordinal);
    }
}
