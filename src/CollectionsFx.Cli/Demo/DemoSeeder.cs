using CollectionsFx.Domain.Webhooks;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using Spectre.Console;

namespace CollectionsFx.Cli.Demo;

/// <summary>Sends the demo company through the public webhook path, signed like a real ERP and CRM would.</summary>
public sealed class DemoSeeder(HttpClient http, IReadOnlyDictionary<string, string> secrets, TimeProvider time)
{
    private const int BatchSize = 100;

    /// <summary>
    /// Sends all events in batches of 100 per source; returns how many were accepted.
    /// <paramref name="sourceOverride"/> sends everything as one source (a host with a single configured secret).
    /// </summary>
    public async Task<int> SeedAsync(IReadOnlyList<DemoEvent> events, Action<int>? progress = null, CancellationToken cancellationToken = default, string? sourceOverride = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var accepted = 0;
        var sent = 0;
        foreach (var chunk in events.Chunk(BatchSize * 4))
        {
            foreach (var bySource in chunk.GroupBy(e => sourceOverride ?? e.Source))
            {
                foreach (var batch in bySource.Chunk(BatchSize))
                {
                    accepted += await SendAsync(bySource.Key, batch, cancellationToken).ConfigureAwait(false);
                    sent += batch.Length;
                    progress?.Invoke(sent);
                }
            }
        }

        return accepted;
    }

    /// <summary>Imports the demo's exchange-rate table (so KPIs in EUR can convert its USD and GBP invoices).</summary>
    public async Task SeedRatesAsync(string csv, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        using var response = await http.PutAsync("api/rates", content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Importing the demo rates failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }

    private async Task<int> SendAsync(string source, DemoEvent[] batch, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonArray([.. batch.Select(e => (JsonNode)new JsonObject
        {
            ["specversion"] = "1.0", ["id"] = e.Id, ["source"] = $"urn:collectionsfx:demo:{source}", ["type"] = e.Type,
            ["time"] = e.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ["datacontenttype"] = "application/json", ["data"] = e.Data.DeepClone(),
        })]));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/ingest/{source}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(IngestionService.BatchMediaType);
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(secrets[source], time.GetUtcNow(), body));
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Seeding failed: {(int)response.StatusCode} {text}");
        }

        var result = JsonDocument.Parse(text).RootElement;
        if (result.GetProperty("rejected").GetInt32() > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{result.GetProperty("rejected").GetInt32()} demo events rejected: {text[..Math.Min(400, text.Length)]}[/]");
        }

        return result.GetProperty("accepted").GetInt32();
    }
}
