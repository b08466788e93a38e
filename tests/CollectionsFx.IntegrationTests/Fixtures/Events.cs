using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using CollectionsFx.Api.Ingestion;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Builds CloudEvents with the official CloudEvents SDK, as a customer's system would.</summary>
internal static class Events
{
    private static readonly JsonEventFormatter Formatter = new();

    public static JsonObject Customer(string customerId) => new()
    {
        ["customerId"] = customerId, ["name"] = "Acme " + customerId, ["country"] = "DE", ["currency"] = "EUR", ["segment"] = "midMarket",
        ["paymentTermsDays"] = 30, ["email"] = "ap@acme.example",
    };

    public static JsonObject Invoice(string invoiceId, string customerId, decimal amount = 1000m) => new()
    {
        ["invoiceId"] = invoiceId, ["customerId"] = customerId, ["issueDate"] = "2026-10-01", ["dueDate"] = "2026-10-31",
        ["amount"] = amount, ["currency"] = "EUR",
    };

    public static JsonObject Payment(string paymentId, string customerId, decimal amount, params (string Invoice, decimal Amount)[] allocations) => new()
    {
        ["paymentId"] = paymentId, ["customerId"] = customerId, ["valueDate"] = "2026-11-02", ["amount"] = amount, ["currency"] = "EUR",
        ["allocations"] = new JsonArray([.. allocations.Select(a => (JsonNode)new JsonObject { ["invoiceId"] = a.Invoice, ["amount"] = a.Amount })]),
    };

    /// <summary>A valid data sample for every accepted type.</summary>
    public static JsonObject Sample(string type) => type switch
    {
        EventTypes.Customer => Customer("C-S"),
        EventTypes.Invoice => Invoice("I-S", "C-S"),
        EventTypes.Payment => Payment("P-S", "C-S", 10m, ("I-S", 10m)),
        EventTypes.CreditNote => new JsonObject { ["creditNoteId"] = "CN-S", ["customerId"] = "C-S", ["issueDate"] = "2026-10-05", ["amount"] = 5, ["currency"] = "EUR" },
        EventTypes.DisputeOpened => new JsonObject { ["disputeId"] = "D-S", ["customerId"] = "C-S", ["invoiceId"] = "I-S", ["reasonCode"] = "PRICE", ["openedOn"] = "2026-10-10" },
        EventTypes.DisputeResolved => new JsonObject
        {
            ["disputeId"] = "D-S", ["customerId"] = "C-S", ["invoiceId"] = "I-S", ["reasonCode"] = "PRICE", ["openedOn"] = "2026-10-10",
            ["resolvedOn"] = "2026-10-20", ["outcome"] = "rejected",
        },
        EventTypes.PromiseRecorded => new JsonObject
        {
            ["promiseId"] = "PR-S", ["customerId"] = "C-S", ["invoiceIds"] = new JsonArray("I-S"), ["promisedDate"] = "2026-11-15", ["amount"] = 100, ["currency"] = "EUR",
        },
        EventTypes.ContactLogged => new JsonObject { ["actionId"] = "A-S", ["customerId"] = "C-S", ["kind"] = "call", ["occurredAt"] = "2026-11-01T10:00:00Z" },
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>One structured CloudEvent as JSON text.</summary>
    public static string Single(string type, JsonObject data, string? id = null, DateTimeOffset? time = null) =>
        System.Text.Encoding.UTF8.GetString(Formatter.EncodeStructuredModeMessage(Create(type, data, id, time), out _).Span);

    /// <summary>A batch of CloudEvents as JSON text.</summary>
    public static string Batch(IEnumerable<(string Type, JsonObject Data, string? Id)> events) =>
        System.Text.Encoding.UTF8.GetString(Formatter.EncodeBatchModeMessage([.. events.Select(e => Create(e.Type, e.Data, e.Id, null))], out _).Span);

    /// <summary>A batch: a German mid-market customer with one invoice of 800 EUR <paramref name="daysOverdue"/> days overdue today.</summary>
    public static string OverdueCustomer(string customerId, int daysOverdue = 4)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var invoice = Invoice(customerId + "-1", customerId, 800m);
        invoice["issueDate"] = today.AddDays(-30 - daysOverdue).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        invoice["dueDate"] = today.AddDays(-daysOverdue).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return Batch([(EventTypes.Customer, Customer(customerId), null), (EventTypes.Invoice, invoice, null)]);
    }

    private static CloudEvent Create(string type, JsonObject data, string? id, DateTimeOffset? time) => new()
    {
        Id = id ?? Guid.NewGuid().ToString(),
        Source = new Uri("urn:test:erp"),
        Type = type,
        Time = time ?? DateTimeOffset.UtcNow,
        DataContentType = "application/json",
        Data = JsonSerializer.SerializeToElement(data),
    };
}
