using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Benchmarks;

/// <summary>The demo company's events as the ledger records the webhook would make of them (same mapping, no storage).</summary>
internal static class DemoRecords
{
    public static List<LedgerRecord> Of(IReadOnlyList<DemoEvent> events)
    {
        var records = new List<LedgerRecord>(events.Count);
        foreach (var e in events)
        {
            var json = JsonSerializer.SerializeToElement(new JsonObject
            {
                ["specversion"] = "1.0", ["id"] = e.Id, ["source"] = "urn:demo:" + e.Source, ["type"] = e.Type,
                ["time"] = e.Time.ToString("O", CultureInfo.InvariantCulture), ["datacontenttype"] = "application/json", ["data"] = e.Data.DeepClone(),
            });
            var mapped = CloudEventMapper.Map(json, e.Time, e.Source);
            records.Add(mapped.Record ?? throw new InvalidOperationException($"Demo event {e.Id} does not map: {string.Join("; ", mapped.Errors.Select(x => x.Field + " " + x.Message))}"));
        }

        return records;
    }
}
