using System.Net;
using System.Text.Json;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Hosting;

/// <summary><c>GET /api/health</c> checks the dependencies: healthy with all up, degraded (still 200) without the SMTP relay.</summary>
[Collection(StackCollection.Name)]
public sealed class HealthTests(StackFixture stack)
{
    [Theory]
    [InlineData(true, "healthy")]
    [InlineData(false, "degraded")]
    public async Task Health_reports_each_dependency_and_the_worst_of_them(bool smtpUp, string expected)
    {
        await using var sink = new SmtpSink();
        var port = smtpUp ? sink.Port : SmtpSink.FreePort();
        var (app, client) = await stack.StartIsolatedHostAsync(new Dictionary<string, string?> { ["Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using (app)
        {
            using (client)
            {
                await DurableReady.WaitAsync(client);
                var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
                var text = await response.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var report = JsonDocument.Parse(text).RootElement;
                Assert.True(expected == report.GetProperty("status").GetString(), text);
                var checks = report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
                Assert.Equal(["durable", "smtp", "storage:blobs", "storage:queues", "storage:tables"], checks.Keys.Order(StringComparer.Ordinal));
                Assert.All(checks.Where(c => c.Key != "smtp"), c => Assert.Equal("healthy", c.Value));
                Assert.Equal(smtpUp ? "healthy" : "degraded", checks["smtp"]);
                Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
            }
        }
    }
}
