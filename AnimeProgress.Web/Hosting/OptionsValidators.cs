using AnimeProgress.Core.ComfyUi;
using AnimeProgress.Core.Persistence;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Web.Hosting;

/// <summary>Start-up checks of every setting; a failure names the configuration key so the operator can fix it.</summary>
internal sealed class ComfyUiOptionsValidator : IValidateOptions<ComfyUiOptions>
{
    public ValidateOptionsResult Validate(string? name, ComfyUiOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Instances.Count; i++)
        {
            var instance = options.Instances[i];
            var key = $"{ComfyUiOptions.Section}:Instances:{i}";
            if (!Uri.TryCreate(instance.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{key}:BaseUrl must be an absolute http(s) URL such as http://127.0.0.1:8188 (got '{instance.BaseUrl}').");
            }

            if (string.IsNullOrWhiteSpace(instance.Name))
            {
                errors.Add($"{key}:Name must not be empty.");
            }
            else if (!names.Add(instance.Name))
            {
                errors.Add($"{key}:Name '{instance.Name}' is used by another instance.");
            }
        }

        Positive(errors, options.ReconnectInitialDelay, "ReconnectInitialDelay");
        Positive(errors, options.ReconnectMaxDelay, "ReconnectMaxDelay");
        Positive(errors, options.SystemStatsInterval, "SystemStatsInterval");
        Positive(errors, options.RequestTimeout, "RequestTimeout");
        if (options.ReconnectMaxDelay < options.ReconnectInitialDelay)
        {
            errors.Add($"{ComfyUiOptions.Section}:ReconnectMaxDelay must not be shorter than ReconnectInitialDelay.");
        }

        if (options.MaxFrameBytes < 1024)
        {
            errors.Add($"{ComfyUiOptions.Section}:MaxFrameBytes must be at least 1024.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, TimeSpan value, string key)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{ComfyUiOptions.Section}:{key} must be a positive time span such as 00:00:05 (got {value}).");
        }
    }
}

internal sealed class DatabaseOptionsValidator(IConfiguration configuration) : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            errors.Add($"{DatabaseOptions.Section}:Provider must be Sqlite or Postgres.");
        }

        if (options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(configuration.GetConnectionString(DatabaseOptions.ConnectionStringName)))
        {
            errors.Add($"ConnectionStrings:{DatabaseOptions.ConnectionStringName} is required when {DatabaseOptions.Section}:Provider is Postgres.");
        }

        // Quoted everywhere it is used, but a plain identifier keeps DDL, trigger payloads and psql sessions simple.
        if (!string.IsNullOrWhiteSpace(options.Schema) && !System.Text.RegularExpressions.Regex.IsMatch(options.Schema.Trim(), "^[A-Za-z_][A-Za-z0-9_]{0,62}$"))
        {
            errors.Add($"{DatabaseOptions.Section}:Schema must be a plain identifier (letters, digits, underscores; at most 63 characters), got '{options.Schema}'.");
        }

        if (options.FlushInterval <= TimeSpan.Zero)
        {
            errors.Add($"{DatabaseOptions.Section}:FlushInterval must be positive.");
        }

        if (options.MaxPendingWrites < 100)
        {
            errors.Add($"{DatabaseOptions.Section}:MaxPendingWrites must be at least 100.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options)
    {
        var errors = new List<string>();
        if (options.Instances is < 1 or > 8)
        {
            errors.Add($"{DemoOptions.Section}:Instances must be between 1 and 8.");
        }

        if (options.TimeScale is <= 0 or > 100)
        {
            errors.Add($"{DemoOptions.Section}:TimeScale must be greater than 0 and at most 100.");
        }

        if (options.SubmitInterval <= TimeSpan.Zero)
        {
            errors.Add($"{DemoOptions.Section}:SubmitInterval must be positive.");
        }

        if (options.FailureRate is < 0 or > 1)
        {
            errors.Add($"{DemoOptions.Section}:FailureRate must be between 0 and 1.");
        }

        if (string.IsNullOrWhiteSpace(options.InstanceName))
        {
            errors.Add($"{DemoOptions.Section}:InstanceName must not be empty.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options) =>
        options.MaxRendersPerSecond is < 0.2 or > 60
            ? ValidateOptionsResult.Fail($"{DashboardOptions.Section}:MaxRendersPerSecond must be between 0.2 and 60.")
            : options.RecentFinished is < 0 or > 500
                ? ValidateOptionsResult.Fail($"{DashboardOptions.Section}:RecentFinished must be between 0 and 500.")
                : ValidateOptionsResult.Success;
}
