using AnimeProgress.Core.Persistence;
using Microsoft.Extensions.Configuration;

using AnimeProgress.Tests.Core.Settings;

namespace AnimeProgress.Tests.Core.Persistence;

public sealed class DatabaseOptionsValidatorTests
{
    private static readonly Dictionary<string, Action<DatabaseOptions>> BadValues = new()
    {
        ["AnimeProgress:Database:Provider"] = o => o.Provider = (DatabaseProvider)7,
        ["ConnectionStrings:AnimeProduction"] = o => o.Provider = DatabaseProvider.Postgres,
        ["AnimeProgress:Database:Schema"] = o => o.Schema = "anime api; drop",
        ["AnimeProgress:Database:DataDirectory"] = o => o.DataDirectory = " ",
        ["AnimeProgress:Database:FlushInterval"] = o => o.FlushInterval = TimeSpan.Zero,
        ["AnimeProgress:Database:ReconcileInterval"] = o => o.ReconcileInterval = TimeSpan.FromSeconds(-1),
        ["AnimeProgress:Database:MaxPendingWrites"] = o => o.MaxPendingWrites = 10,
    };

    public static TheoryData<string> Keys => new(BadValues.Keys);

    [Fact]
    public void The_defaults_are_valid() => OptionsAssert.Valid(Validator(), new DatabaseOptions());

    [Fact]
    public void Postgres_with_a_connection_string_is_valid() =>
        OptionsAssert.Valid(Validator("Host=db"), new DatabaseOptions { Provider = DatabaseProvider.Postgres });

    [Theory]
    [MemberData(nameof(Keys))]
    public void A_bad_value_fails_naming_its_key(string key)
    {
        var options = new DatabaseOptions();
        BadValues[key](options);

        OptionsAssert.FailsNaming(Validator(), options, key);
    }

    private static DatabaseOptionsValidator Validator(string? connectionString = null) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:AnimeProduction"] = connectionString })
            .Build());
}
