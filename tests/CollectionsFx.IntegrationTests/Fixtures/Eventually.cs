namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Polling for something another process or a background worker does: a wait, never a timing assertion.</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 250 ms; fails after <paramref name="seconds"/> saying what was awaited.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 90) => UntilAsync(condition, () => what, seconds);

    /// <summary>As above, with <paramref name="what"/> told at the moment of failure (the state it ended in).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, Func<string> what, int seconds = 90)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(seconds), $"waited {seconds} s for {what()}");
            await Task.Delay(250);
        }
    }
}
