using System.Text.RegularExpressions;
using AnimeProgress.Core.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Persistence;

/// <summary>Start-up checks of <c>AnimeProgress:Database</c> and its connection string; each failure names its key.</summary>
public sealed partial class DatabaseOptionsValidator(IConfiguration configuration) : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var errors = new SettingErrors(DatabaseOptions.Section);
        if (!Enum.IsDefined(options.Provider))
        {
            errors.Add(nameof(options.Provider), "must be Sqlite or Postgres.");
        }

        if (options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(configuration.GetConnectionString(DatabaseOptions.ConnectionStringName)))
        {
            errors.AddMessage($"ConnectionStrings:{DatabaseOptions.ConnectionStringName} is required when {errors.Key(nameof(options.Provider))} is Postgres.");
        }

        // Quoted everywhere it is used, but a plain identifier keeps DDL, trigger payloads and psql sessions simple.
        if (!string.IsNullOrWhiteSpace(options.Schema) && !PlainIdentifier().IsMatch(options.Schema.Trim()))
        {
            errors.Add(nameof(options.Schema), $"must be a plain identifier (letters, digits, underscores; at most 63 characters), got '{options.Schema}'.");
        }

        errors.NotEmpty(nameof(options.DataDirectory), options.DataDirectory);
        errors.Positive(nameof(options.FlushInterval), options.FlushInterval, "00:00:01");
        errors.Positive(nameof(options.ReconcileInterval), options.ReconcileInterval, "00:00:30");
        errors.AtLeast(nameof(options.MaxPendingWrites), options.MaxPendingWrites, 100);
        return errors.Result;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex PlainIdentifier();
}
