using System.Globalization;
using System.Text;

namespace AnimeProgress.TestSupport.Fuzzing;

/// <summary>
/// Generates the small JSON messages other programs and browsers send AnimeProgress: PostgreSQL NOTIFY payloads
/// (<see cref="Notify"/>) and /ws client messages (<see cref="ClientMessages"/>). A valid message of the protocol,
/// or one damaged by a <see cref="JsonDamage"/> rule: truncated, wrong type, duplicate key, deep, huge, bad UTF-8, noise.
/// </summary>
public sealed class SmallJsonGrammar(Func<Random, string> valid, string[] keys, int hugeStringLength = 1 << 20)
{
    public static SmallJsonGrammar Notify(string schema) => new(
        random => random.Next(3) switch
        {
            0 => $$"""{"schema":"{{schema}}","table":"production_jobs","id":{{random.Next(1, 1000).ToString(CultureInfo.InvariantCulture)}},"op":"{{(random.Next(5) == 0 ? "delete" : "update")}}"}""",
            1 => $$"""{"schema":"{{schema}}","table":"comfyui_instances","name":"gpu-{{random.Next(1, 4).ToString(CultureInfo.InvariantCulture)}}"}""",
            _ => $$"""{"id":{{random.Next(1, 1000).ToString(CultureInfo.InvariantCulture)}}}""",
        },
        ["schema", "table", "id", "op", "name"]);

    public static SmallJsonGrammar ClientMessages() => new(
        random => random.Next(3) switch
        {
            0 => """{"type":"ping"}""",
            1 => $$"""{"type":"subscribe_job","job_id":{{random.Next(1, 1000).ToString(CultureInfo.InvariantCulture)}}}""",
            _ => $$"""{"type":"unsubscribe_job","job_id":"{{random.Next(1, 1000).ToString(CultureInfo.InvariantCulture)}}"}""",
        },
        ["type", "job_id"]);

    public (string Shape, byte[] Bytes) Next(Random random)
    {
        var json = valid(random);
        var key = keys[random.Next(keys.Length)];
        return random.Next(8) switch
        {
            0 => ("valid", Encoding.UTF8.GetBytes(json)),
            1 => ("truncated", JsonDamage.Truncate(random, json)),
            2 => ("wrong_type", JsonDamage.WrongType(random, json, key)),
            3 => ("duplicate_key", JsonDamage.DuplicateKey(json, key, random.Next(2) == 0 ? "1" : "\"x\"")),
            4 => ("deep", JsonDamage.Deep(random)),
            5 => ("huge_string", JsonDamage.HugeString(random, key, random.Next(100) == 0 ? hugeStringLength : 8192)),
            6 => ("invalid_utf8", JsonDamage.InvalidUtf8(random, json)),
            _ => ("noise", JsonDamage.RandomBytes(random, 64)),
        };
    }
}
