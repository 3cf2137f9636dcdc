using System.Globalization;
using System.Text;
using AnimeProgress.Core.Jobs;

namespace AnimeProgress.Core.Persistence;

/// <summary>
/// <see cref="EtaBasis"/> in <c>production_jobs.eta_basis</c>: "runs alike method" in snake_case words, e.g.
/// <c>12 workflow_on_machine stage_by_stage</c>. Reading is forgiving: anything else reads as no basis.
/// </summary>
public static class EtaBasisWire
{
    public static string? ToWire(EtaBasis? basis) =>
        basis is null ? null : string.Create(CultureInfo.InvariantCulture, $"{basis.Runs} {Snake(basis.Alike.ToString())} {Snake(basis.Method.ToString())}");

    public static EtaBasis? FromWire(string? text)
    {
        var parts = text?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts is [var runs, var alike, var method]
            && int.TryParse(runs, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && TryWord<EtaRunsAlike>(alike, out var a)
            && TryWord<EtaMethod>(method, out var m)
                ? new EtaBasis(count, a, m)
                : null;
    }

    private static bool TryWord<T>(string word, out T value)
        where T : struct, Enum
    {
        value = default;
        return !word.Contains(',', StringComparison.Ordinal) && !char.IsAsciiDigit(word[0])
            && Enum.TryParse(word.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    private static string Snake(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
