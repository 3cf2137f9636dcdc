using System.Globalization;

namespace AnimeProgress.Web.Cli;

/// <summary>
/// A sub-command's own options (<c>--count 6</c>, <c>--all</c>) separated from configuration arguments, which go
/// to the host exactly as the dashboard takes them. A configuration argument names a key with a colon
/// (<c>--ConnectionStrings:AnimeProduction=...</c>, <c>--AnimeProgress:Database:Provider Postgres</c>) or is one of
/// the host's own keys (<c>--environment</c>, <c>--urls</c>...); anything else is a usage error, so a mistyped option
/// never disappears into the configuration.
/// </summary>
internal sealed class JobsArguments
{
    private static readonly HashSet<string> HostKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "environment", "contentRoot", "applicationName", "urls",
    };

    private readonly Dictionary<string, string?> _options;

    private JobsArguments(Dictionary<string, string?> options, List<string> configuration)
    {
        _options = options;
        Configuration = configuration;
    }

    /// <summary>Arguments for <c>WebApplication.CreateBuilder</c>, each as <c>--Key=value</c>.</summary>
    public IReadOnlyList<string> Configuration { get; }

    /// <param name="flags">Options without a value (<c>--all</c>).</param>
    /// <param name="valued">Options that take a value (<c>--count 6</c> or <c>--count=6</c>).</param>
    public static JobsArguments Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> flags, IReadOnlyCollection<string> valued)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var configuration = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
            {
                throw new JobsUsageException($"unexpected argument '{token}'");
            }

            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? token[2..] : token[2..equals];
            var inline = equals < 0 ? null : token[(equals + 1)..];
            if (flags.Contains(name))
            {
                if (inline is not null)
                {
                    throw new JobsUsageException($"--{name} takes no value");
                }

                options[name] = null;
            }
            else if (valued.Contains(name) || name.Contains(':', StringComparison.Ordinal) || HostKeys.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new JobsUsageException($"--{name} needs a value"));
                if (valued.Contains(name))
                {
                    options[name] = value;
                }
                else
                {
                    configuration.Add($"--{name}={value}");
                }
            }
            else
            {
                throw new JobsUsageException($"unknown option '--{name}'");
            }
        }

        return new JobsArguments(options, configuration);
    }

    public bool Has(string flag) => _options.ContainsKey(flag);

    /// <summary>An option's value as given, or null when it was not given.</summary>
    public string? Text(string name) => _options.TryGetValue(name, out var text) ? text : null;

    public int Int(string name, int fallback, int min, int max)
    {
        if (!_options.TryGetValue(name, out var text) || text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new JobsUsageException($"--{name} must be a whole number from {min} to {max} (got '{text}')");
    }

    public double Double(string name, double fallback, double minExclusive, double max)
    {
        if (!_options.TryGetValue(name, out var text) || text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > minExclusive && value <= max
            ? value
            : throw new JobsUsageException($"--{name} must be a number greater than {minExclusive.ToString(CultureInfo.InvariantCulture)} and at most {max.ToString(CultureInfo.InvariantCulture)} (got '{text}')");
    }
}

/// <summary>A command line the jobs command cannot run: usage text and exit code 2.</summary>
internal sealed class JobsUsageException(string message) : Exception(message);
