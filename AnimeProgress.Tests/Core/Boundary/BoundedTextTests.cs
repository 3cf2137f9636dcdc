using AnimeProgress.Core.Boundary;

namespace AnimeProgress.Tests.Core.Boundary;

public sealed class BoundedTextTests
{
    [Fact]
    public void Text_that_fits_is_kept_as_it_is()
    {
        Assert.Equal("short", BoundedText.Cap("short", 10));
        Assert.Null(BoundedText.Cap(null, 10));
    }

    [Fact]
    public void Longer_text_is_cut_to_the_cap_and_says_how_long_it_was()
    {
        var capped = BoundedText.Cap(new string('x', 1_000_000), 200)!;

        Assert.Equal(200, capped.Length);
        Assert.StartsWith("xxx", capped, StringComparison.Ordinal);
        Assert.EndsWith("[cut, 1000000 characters in all]", capped, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_never_leaves_half_a_surrogate_pair()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 100));

        var capped = BoundedText.Cap(text, 60)!;

        Assert.True(capped.Length <= 60);
        for (var i = 0; i < capped.Length; i++)
        {
            Assert.False(char.IsHighSurrogate(capped[i]) && (i + 1 == capped.Length || !char.IsLowSurrogate(capped[i + 1])), $"lone high surrogate at {i}");
        }
    }
}
