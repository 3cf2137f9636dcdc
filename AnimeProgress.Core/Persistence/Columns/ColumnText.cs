using System.Security.Cryptography;
using System.Text;
using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Core.Persistence.Columns;

/// <summary>
/// Text as a database column accepts it. PostgreSQL refuses a NUL character in any text value, a value longer than
/// its column's <c>varchar(n)</c>, and (through the driver's strict UTF-8) half a surrogate pair; one such value used
/// to fail its whole write batch on every retry. Here NULs are dropped, lone surrogates become U+FFFD, and an
/// oversize value is cut visibly (<see cref="BoundedText.Cap"/>); an identifier is instead shortened to a
/// deterministic digest form so it stays unique and stable.
/// </summary>
public static class ColumnText
{
    /// <summary>Characters of SHA-256 (hex) that end a shortened identifier: 64 bits, collisions out of reach.</summary>
    private const int DigestLength = 16;

    /// <summary>A free-text value that fits <paramref name="maxLength"/> (null: any length), or the value itself when it already fits.</summary>
    public static string? Fit(string? value, int? maxLength)
    {
        if (value is null)
        {
            return null;
        }

        var clean = Clean(value);
        return maxLength is { } max ? BoundedText.Cap(clean, max) : clean;
    }

    /// <summary>
    /// An identifier (a ComfyUI prompt id) that fits <paramref name="maxLength"/>: as it is when it fits, else its start,
    /// <c>#</c> and 16 hex digits of the SHA-256 of the whole value, so two long ids never share a form and the same id
    /// always gets the same one. E.g. for 64: the first 47 characters, <c>#</c>, 16 digits.
    /// </summary>
    public static string? FitIdentifier(string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }

        var clean = Clean(value);
        if (clean.Length <= maxLength)
        {
            return clean;
        }

        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clean)))[..DigestLength];
        var keep = Math.Max(0, maxLength - DigestLength - 1);
        if (keep > 0 && char.IsHighSurrogate(clean[keep - 1]))
        {
            keep--;
        }

        var shortened = string.Concat(clean.AsSpan(0, keep), "#", digest);
        return shortened.Length <= maxLength ? shortened : shortened[..maxLength];
    }

    /// <summary>Drops NUL characters and replaces lone surrogates; returns the same instance when there is nothing to change.</summary>
    private static string Clean(string value)
    {
        if (!NeedsCleaning(value))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[++i]);
            }
            else
            {
                text.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return text.ToString();
    }

    private static bool NeedsCleaning(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }
}
