using System.Text.Json;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Reading responses in tests.</summary>
internal static class Http
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 response with the status and a field error for <paramref name="field"/>; returns the problem.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string field)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync().ConfigureAwait(false);
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains(field, fields);
        return problem;
    }

    /// <summary>
    /// Polls <paramref name="url"/> (a KPI route) until it answers 200 from an insights snapshot holding at least
    /// <paramref name="minEvents"/> events; returns that answer, or fails after 20 s with the last one.
    /// </summary>
    public static async Task<JsonElement> WaitForSnapshotAsync(this HttpClient client, int minEvents, string url = "/api/kpis", int seconds = 20)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync(url).ConfigureAwait(false);
            var body = await response.JsonAsync().ConfigureAwait(false);
            if (response.IsSuccessStatusCode && body.GetProperty("snapshot").GetProperty("events").GetInt32() >= minEvents)
            {
                return body;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"{url} did not show {minEvents} events: {body}");
            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
