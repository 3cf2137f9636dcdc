using System.Globalization;
using Microsoft.Extensions.Options;

namespace AnimeProgress.Core.Settings;

/// <summary>
/// Collects what is wrong with one options section, each message starting with the full configuration key
/// (<c>AnimeProgress:Tracking:TickInterval must be …</c>) so the operator knows what to fix; the shared
/// wording of every options validator.
/// </summary>
public sealed class SettingErrors(string section)
{
    private readonly List<string> _errors = [];

    public ValidateOptionsResult Result => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    /// <summary>The full key of a setting in this section, e.g. <c>Instances:0:BaseUrl</c>.</summary>
    public string Key(string key) => $"{section}:{key}";

    /// <summary>Adds <c>{section}:{key} {problem}</c>.</summary>
    public void Add(string key, string problem) => _errors.Add($"{Key(key)} {problem}");

    /// <summary>A free-form message that already names its key(s).</summary>
    public void AddMessage(string message) => _errors.Add(message);

    public void Positive(string key, TimeSpan value, string example)
    {
        if (value <= TimeSpan.Zero)
        {
            Add(key, $"must be a positive time span such as {example} (got {value}).");
        }
    }

    public void NotNegative(string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            Add(key, $"must not be negative (got {value}).");
        }
    }

    public void Between(string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Add(key, $"must be between {min} and {max} (got {value}).");
        }
    }

    public void Between(string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(key, $"must be between {min} and {max} (got {value}).");
        }
    }

    public void Between(string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            Add(key, $"must be between {min} and {max} (got {value}).");
        }
    }

    public void AtLeast(string key, int value, int min)
    {
        if (value < min)
        {
            Add(key, $"must be at least {min} (got {value}).");
        }
    }

    /// <summary>Inclusive range; NaN and infinities fail.</summary>
    public void Between(string key, double value, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            Add(key, $"must be between {Text(min)} and {Text(max)} (got {Text(value)}).");
        }
    }

    /// <summary>Greater than <paramref name="min"/>, at most <paramref name="max"/>; NaN fails.</summary>
    public void Above(string key, double value, double min, double max)
    {
        if (!(value > min && value <= max))
        {
            Add(key, $"must be greater than {Text(min)} and at most {Text(max)} (got {Text(value)}).");
        }
    }

    public void NotEmpty(string key, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(key, "must not be empty.");
        }
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
