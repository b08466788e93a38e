using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Privacy;

/// <summary>What an erasure did, kept as its audit record (no personal data in it).</summary>
public sealed record ErasureReport(
    string CustomerId, DateTimeOffset At, string By, int Records, int LogTransactions, int Tasks, IReadOnlyList<string> Remaining);

/// <summary>
/// Erases a customer's personal data (GDPR Art. 17) from everything CollectionsFx keeps of it in its own storage: the ledger's
/// current records and its event log (<see cref="PersonalData"/>), and the people's task lists; ids, amounts and dates stay,
/// so KPIs, forecasts and the process map are unchanged. Each erasure is audited (blob <c>audit/erasures/</c> of the insights
/// container: who, when, how much). Idempotent: erasing again finds nothing left and says so.
/// </summary>
public sealed partial class ErasureService(
    ILedgerStore ledger, ILedgerRedaction redaction, TaskStore tasks, StorageLayout layout, Insights.InsightsService insights, TimeProvider time, ILogger<ErasureService> logger)
{
    /// <summary>What the erasure cannot reach, said in every report.</summary>
    public static readonly IReadOnlyList<string> Remaining =
    [
        "raw webhook bodies and dead letters: deleted by their retention (lifecycle rule on the -raw and -deadletters containers)",
        "event log exports written before now: the next nightly export rewrites them from the erased log",
        "systems outside CollectionsFx (ERP, CRM, mailboxes): erase at the source too, or a newer version sent from there brings the data back",
        "sent mails: CollectionsFx keeps no copy (its outbox holds keys, Message-IDs and states only); the copies are the relay's logs and the recipients' mailboxes",
    ];

    /// <summary>Erases; null when the ledger has no such customer.</summary>
    public async Task<ErasureReport?> EraseAsync(string customerId, string by, CancellationToken cancellationToken)
    {
        if ((await ledger.LoadAsync(customerId, cancellationToken).ConfigureAwait(false)).Records.Count == 0)
        {
            return null;
        }

        // Every name and address the customer ever had (old versions live in the log) is scrubbed from free text too: the
        // redaction's one pass over the partition hands each record and event over before redacting it.
        var values = new List<string>();
        var count = await redaction.RedactAsync(
            customerId,
            record =>
            {
                values.AddRange(PersonalData.Values(record));
                return PersonalData.Redact(record);
            },
            e =>
            {
                values.AddRange(e.Record is { } r ? PersonalData.Values(r) : []);
                return PersonalData.Redact(e);
            },
            cancellationToken).ConfigureAwait(false);
        var pseudonym = PersonalData.Pseudonym(customerId);
        var scrubbed = await tasks.RedactAsync(customerId, text => PersonalData.Scrub(text, values, pseudonym), cancellationToken).ConfigureAwait(false);
        var report = new ErasureReport(customerId, time.GetUtcNow(), by, count.Records, count.LogTransactions, scrubbed, Remaining);
        await layout.Insights.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await layout.Insights.GetBlobClient($"audit/erasures/{Uri.EscapeDataString(customerId)}/{report.At:yyyyMMddTHHmmssfff}.json")
            .UploadAsync(BinaryData.FromObjectAsJson(report, ApiJson.Options), overwrite: true, cancellationToken).ConfigureAwait(false);
        await insights.ReloadCustomerAsync(customerId, cancellationToken).ConfigureAwait(false);
        LogErased(logger, customerId, by, count.Records, count.LogTransactions, scrubbed);
        return report;
    }

    /// <summary>Handles <c>DELETE /api/customers/{customerId}/personal-data</c>: 200 with the report, 404 for an unknown customer.</summary>
    public async Task<IResult> HandleAsync(HttpRequest request, string customerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var by = Caller.Name(request) ?? "system";
        return await EraseAsync(customerId, by, cancellationToken).ConfigureAwait(false) is { } report
            ? Results.Json(report, ApiJson.Options)
            : Problems.Field(StatusCodes.Status404NotFound, "Unknown customer", "customerId", $"no customer '{customerId}' in the ledger");
    }

    [LoggerMessage(1, LogLevel.Warning, "Personal data of customer {CustomerId} erased by {By}: {Records} records, {Transactions} log transactions, {Tasks} tasks rewritten")]
    private static partial void LogErased(ILogger logger, string customerId, string by, int records, int transactions, int tasks);
}
