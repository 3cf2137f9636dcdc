using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace AnimeProgress.Core.Telemetry;

/// <summary>One series of a <see cref="TaggedCounts"/>: callers keep it and count with one interlocked add.</summary>
public sealed class CountSeries
{
    private long _value;

    internal CountSeries(KeyValuePair<string, object?>[] tags) => Tags = tags;

    internal KeyValuePair<string, object?>[] Tags { get; }

    internal long Value => Interlocked.Read(ref _value);

    public void Add(long amount) => Interlocked.Add(ref _value, amount);
}

/// <summary>
/// Monotonic counts per tag values, read by an observable counter when scraped. Counted where the work happens, like a
/// <see cref="Counter{T}"/>, but every series exists from the moment it is named (at 0, even before the exporter listens),
/// so a rate over it reads 0 rather than "no data" until the first event.
/// </summary>
public sealed class TaggedCounts
{
    private readonly string[] _tagNames;
    private readonly ConcurrentDictionary<string, CountSeries> _series = new(StringComparer.Ordinal);

    public TaggedCounts(Meter meter, string name, string unit, string description, params string[] tagNames)
    {
        _tagNames = tagNames;
        meter.CreateObservableCounter(name, Read, unit, description);
    }

    /// <summary>The series for these tag values (in the order of the tag names), made at 0 the first time.</summary>
    public CountSeries For(params string[] values)
    {
        if (values.Length != _tagNames.Length)
        {
            throw new ArgumentException($"expected {_tagNames.Length} tag values", nameof(values));
        }

        return _series.GetOrAdd(string.Join('\u001f', values), _ =>
            new CountSeries([.. _tagNames.Zip(values, (n, v) => new KeyValuePair<string, object?>(n, v))]));
    }

    private IEnumerable<Measurement<long>> Read() => _series.Values.Select(s => new Measurement<long>(s.Value, s.Tags));
}
