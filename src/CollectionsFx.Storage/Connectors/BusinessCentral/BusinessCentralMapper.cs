using System.Globalization;
using System.Text.Json;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Money;

namespace CollectionsFx.Storage.Connectors.BusinessCentral;

/// <summary>
/// Business Central API v2.0 entities as ledger records (docs: shared CONNECTORS.md §1). Versions are the
/// entities' <c>lastModifiedDateTime</c>. BC reports an invoice's <c>remainingAmount</c> rather than the
/// payments applied to it, so what was settled in BC becomes one settlement payment per invoice
/// (<c>BC-SETTLE-{number}</c>), a newer version of it whenever the remaining amount changes.
/// </summary>
public sealed class BusinessCentralMapper(BusinessCentralOptions options)
{
    /// <summary>Payment terms id to days, from <c>paymentTerms</c> (<c>dueDateCalculation</c> such as 30D, 1M, 2W).</summary>
    public static int TermsDays(string? formula)
    {
        if (string.IsNullOrWhiteSpace(formula) || formula.Length < 2 || !int.TryParse(formula.AsSpan(0, formula.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return 30;
        }

        return char.ToUpperInvariant(formula[^1]) switch { 'D' => n, 'W' => n * 7, 'M' => n * 30, 'Y' => n * 365, _ => 30 };
    }

    /// <summary>A customer, or why not.</summary>
    public (LedgerRecord? Record, string? Error) Customer(JsonElement c, IReadOnlyDictionary<string, int> termsById)
    {
        var number = Text(c, "number");
        var name = Text(c, "displayName");
        if (number is null || name is null || Changed(c) is not { } changed)
        {
            return (null, "customer needs number, displayName and lastModifiedDateTime");
        }

        var blocked = Text(c, "blocked");
        var country = Text(c, "country");
        return (new CustomerRecord
        {
            Id = number, CustomerId = number, Version = changed.UtcTicks, ChangedAt = changed, Resource = options.Name,
            Name = name,
            Country = country is { Length: 2 } ? country.ToUpperInvariant() : "ZZ",
            Currency = Currency(c),
            PaymentTermsDays = Text(c, "paymentTermsId") is { } termsId && termsById.TryGetValue(termsId, out var days) ? days : 30,
            CreditLimit = Number(c, "creditLimit") ?? 0m,
            Email = Text(c, "email"),
            CreditHold = blocked is "Invoice" or "All",
        }, null);
    }

    /// <summary>A posted invoice and its settlement so far; drafts yield nothing.</summary>
    public (IReadOnlyList<LedgerRecord> Records, string? Error) Invoice(JsonElement i)
    {
        var status = Text(i, "status") ?? " ";
        if (status is " " or "Draft" or "In Review")
        {
            return ([], null);
        }

        var number = Text(i, "number");
        var customer = Text(i, "customerNumber");
        var amount = Number(i, "totalAmountIncludingTax");
        var remaining = Number(i, "remainingAmount");
        if (number is null || customer is null || amount is null || remaining is null || Changed(i) is not { } changed
            || Date(i, "invoiceDate") is not { } issued || Date(i, "dueDate") is not { } due)
        {
            return ([], "salesInvoice needs number, customerNumber, invoiceDate, dueDate, totalAmountIncludingTax, remainingAmount and lastModifiedDateTime");
        }

        if (amount < 0 || due < issued)
        {
            return ([], $"salesInvoice {number}: negative amount or due date before invoice date");
        }

        var currency = Currency(i);
        var invoice = new InvoiceRecord
        {
            Id = number, CustomerId = customer, Version = changed.UtcTicks, ChangedAt = changed, Resource = options.Name,
            IssueDate = issued, DueDate = due, Amount = amount.Value, Currency = currency, Cancelled = status == "Canceled",
        };
        var settled = Math.Max(0, amount.Value - remaining.Value);
        if (settled == 0)
        {
            return ([invoice], null);
        }

        var settlement = new PaymentRecord
        {
            Id = "BC-SETTLE-" + number, CustomerId = customer, Version = changed.UtcTicks, ChangedAt = changed, Resource = options.Name,
            ValueDate = DateOnly.FromDateTime(changed.UtcDateTime), Amount = settled, Currency = currency,
            Allocations = [new Allocation(number, settled)],
        };
        return ([invoice, settlement], null);
    }

    /// <summary>The entity's change time, used for watermarks.</summary>
    public static DateTimeOffset? Changed(JsonElement e) =>
        Text(e, "lastModifiedDateTime") is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUniversalTime() : null;

    private string Currency(JsonElement e) => Text(e, "currencyCode") is { } code && Iso4217.IsValid(code) ? code : options.LocalCurrency;

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    private static decimal? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d) ? d : null;

    private static DateOnly? Date(JsonElement e, string name) =>
        Text(e, name) is { } s && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
