using System.Text.Json;
using System.Text.Json.Serialization;

namespace CollectionsFx.Domain.Ledger;

/// <summary>The one JSON shape of ledger records and events, used by storage and for comparing ledgers.</summary>
public static class LedgerJson
{
    /// <summary>camelCase, enums as strings, no nulls.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A canonical text of the ledger's whole state: records and derived invoices, in key order.</summary>
    public static string Canonical(Ledger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var records = ledger.Records.OrderBy(r => r.Kind).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var invoices = ledger.Invoices().Select(i => new { i.Invoice.Id, i.OpenAmount, i.Status, i.Disputed, i.PromiseLevel, i.Promised });
        return JsonSerializer.Serialize(new { records, invoices }, Options);
    }
}
