using System.Globalization;
using CollectionsFx.Domain.Mining;

namespace CollectionsFx.Domain.Tests.Mining;

public sealed class Iso8601Tests
{
    [Theory]
    [InlineData("2026-03-31")]
    [InlineData("2026-03-31T10:15")]
    [InlineData("2026-03-31T10:15:30")]
    [InlineData("2026-03-31 10:15:30")]
    [InlineData("2026-03-31T10:15:30Z")]
    [InlineData("2026-03-31T10:15:30.1Z")]
    [InlineData("2026-03-31T10:15:30.123+02:00")]
    [InlineData("2026-03-31T10:15:30.1234567-05:30")]
    [InlineData("2026-03-31T10:15:30+0100")]
    [InlineData("2024-02-29T23:59:59.9999999+14:00")]
    public void The_fast_reader_agrees_with_the_framework(string text)
    {
        Assert.True(Iso8601.TryParseUtcTicks(text, out var ticks));

        var expected = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcTicks;
        Assert.Equal(expected, ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-3-31")]
    [InlineData("2026-02-30")]
    [InlineData("2026-13-01")]
    [InlineData("2026-03-31T24:00")]
    [InlineData("2026-03-31T10:15:30.")]
    [InlineData("2026-03-31T10:15:30 Z")]
    [InlineData("2026-03-31T10:15:30+1")]
    [InlineData("31.03.2026")]
    [InlineData("2026-03-31T10:15:30Zjunk")]
    public void Anything_else_is_left_to_the_general_parser(string text) =>
        Assert.False(Iso8601.TryParseUtcTicks(text, out _));
}

public sealed class StatsTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.37)]
    public void Selection_gives_the_same_percentile_as_sorting(double p)
    {
        var rng = new Random(11);
        for (var n = 1; n < 200; n += 7)
        {
            var values = Enumerable.Range(0, n).Select(_ => (long)rng.Next(0, 50)).ToArray();
            var sorted = values.Order().ToArray();

            Assert.Equal(Stats.Percentile(sorted, p), Stats.SelectPercentile(values, p), 9);
        }
    }
}
