namespace AnimeProgress.Web.Hosting;

/// <summary>
/// On/off settings read before the container is built (they decide what is registered), so options
/// validation cannot name them: a value that is not true or false fails start-up naming the key.
/// </summary>
public static class SwitchSetting
{
    /// <returns>The setting, or null when it is not set.</returns>
    public static bool? Read(IConfiguration configuration, string key)
    {
        var setting = configuration[key];
        if (string.IsNullOrWhiteSpace(setting))
        {
            return null;
        }

        return bool.TryParse(setting, out var value)
            ? value
            : throw new InvalidOperationException($"{key} must be true or false (got '{setting}').");
    }
}
