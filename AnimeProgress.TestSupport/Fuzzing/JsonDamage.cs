using System.Text;

namespace AnimeProgress.TestSupport.Fuzzing;

/// <summary>The ways the generators break a valid JSON message: each returns the damaged bytes.</summary>
public static class JsonDamage
{
    private static readonly string[] OtherValues = ["null", "true", "-1", "1e400", "0.5", "\"text\"", "[]", "{}", "[1,\"a\",null]", "9223372036854775808"];

    private static readonly byte[][] BadUtf8 = [[0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80]];

    public static byte[] Truncate(Random random, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        return bytes[..random.Next(0, bytes.Length)];
    }

    /// <summary>The value of <paramref name="key"/> (a string, number or literal) replaced by one of another type.</summary>
    public static byte[] WrongType(Random random, string json, string key)
    {
        var at = json.IndexOf($"\"{key}\":", StringComparison.Ordinal);
        if (at < 0)
        {
            return Encoding.UTF8.GetBytes(json);
        }

        var start = at + key.Length + 3;
        var end = start;
        if (end < json.Length && json[end] == '"')
        {
            end = json.IndexOf('"', end + 1) + 1;
        }
        else
        {
            while (end < json.Length && json[end] is not (',' or '}' or ']'))
            {
                end++;
            }
        }

        return Encoding.UTF8.GetBytes(string.Concat(json.AsSpan(0, start), OtherValues[random.Next(OtherValues.Length)], json.AsSpan(end)));
    }

    /// <summary>The object's first key repeated with another value: <c>{"k":1,"k":2,...}</c>.</summary>
    public static byte[] DuplicateKey(string json, string key, string otherValue) =>
        Encoding.UTF8.GetBytes(string.Concat("{", $"\"{key}\":{otherValue},", json.AsSpan(1)));

    public static byte[] Deep(Random random, int minDepth = 60, int maxDepth = 3000)
    {
        var depth = random.Next(minDepth, maxDepth);
        return Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));
    }

    public static byte[] HugeString(Random random, string key, int length) =>
        Encoding.UTF8.GetBytes($"{{\"{key}\":\"{new string('z', random.Next(length / 2, length))}\"}}");

    public static byte[] InvalidUtf8(Random random, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        var quote = bytes.IndexOf((byte)'"', random.Next(Math.Max(1, bytes.Count / 2)));
        var at = quote >= 0 && random.Next(2) == 0 ? quote + 1 : random.Next(bytes.Count + 1);
        bytes.InsertRange(at, BadUtf8[random.Next(BadUtf8.Length)]);
        return [.. bytes];
    }

    public static byte[] RandomBytes(Random random, int maxLength)
    {
        var bytes = new byte[random.Next(0, maxLength)];
        random.NextBytes(bytes);
        return bytes;
    }
}
