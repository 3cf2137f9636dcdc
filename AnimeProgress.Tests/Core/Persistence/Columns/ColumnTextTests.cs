using AnimeProgress.Core.Persistence.Columns;

namespace AnimeProgress.Tests.Core.Persistence.Columns;

public sealed class ColumnTextTests
{
    [Fact]
    public void Text_that_fits_is_returned_as_it_is()
    {
        const string title = "Opening, cut 12 — 東京";

        Assert.Same(title, ColumnText.Fit(title, 500));
        Assert.Same(title, ColumnText.FitIdentifier(title, 64));
        Assert.Null(ColumnText.Fit(null, 10));
        Assert.Null(ColumnText.FitIdentifier(null, 64));
    }

    [Fact]
    public void Oversize_text_is_cut_to_the_column_visibly()
    {
        var fitted = ColumnText.Fit(new string('t', 600), 500)!;

        Assert.Equal(500, fitted.Length);
        Assert.StartsWith("ttt", fitted, StringComparison.Ordinal);
        Assert.Contains("600 characters", fitted, StringComparison.Ordinal);
    }

    [Fact]
    public void Nul_characters_are_dropped_and_lone_surrogates_replaced_pairs_kept()
    {
        Assert.Equal("abc", ColumnText.Fit("a\0b\0c", null));
        Assert.Equal("x\uFFFDy\uFFFD", ColumnText.Fit("x\uD800y\uDC00", 100));
        Assert.Equal("ok 😀", ColumnText.Fit("ok 😀", 100));
        Assert.Equal("id\uFFFD", ColumnText.FitIdentifier("i\0d\uDFFF", 64));
    }

    [Fact]
    public void A_long_identifier_gets_a_stable_unique_form_of_exactly_the_column_length()
    {
        var a = new string('p', 99) + "a";
        var b = new string('p', 99) + "b";

        var fittedA = ColumnText.FitIdentifier(a, 64)!;
        var fittedB = ColumnText.FitIdentifier(b, 64)!;

        Assert.Equal(64, fittedA.Length);
        Assert.Equal(fittedA, ColumnText.FitIdentifier(a, 64));
        Assert.NotEqual(fittedA, fittedB);
        Assert.StartsWith(a[..47] + "#", fittedA, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{16}$", fittedA[48..]);
        // An id of exactly the column's length is kept as it is.
        Assert.Equal(a[..64], ColumnText.FitIdentifier(a[..64], 64));
    }
}
