using System.Text;
using AnimeProgress.Core.Persistence.Postgres;
using AnimeProgress.TestSupport.Fuzzing;
using CsCheck;

namespace AnimeProgress.Tests.Core.Persistence.Postgres;

/// <summary>Any program that can NOTIFY on the channel can send anything: the parser answers, it never throws.</summary>
public sealed class ListenerNotificationFuzzTests
{
    [Fact]
    public void Generated_payloads_are_read_or_refused_never_thrown()
    {
        var grammar = SmallJsonGrammar.Notify("anime_api");
        var shapes = new HashSet<string>(StringComparer.Ordinal);
        Gen.Int.Select(seed => grammar.Next(new Random(seed))).Sample(
            generated =>
            {
                shapes.Add(generated.Shape);
                var readable = ListenerNotificationParser.TryParse(Encoding.UTF8.GetString(generated.Bytes), "anime_api", out var notice);
                if (generated.Shape == "valid")
                {
                    Assert.True(readable && notice is not null);
                }
            },
            iter: 3000,
            threads: 1);

        Assert.Equal(8, shapes.Count);
    }
}
