using System.Globalization;
using System.Text.Json;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Connectors;
using CollectionsFx.Storage.Connectors.BusinessCentral;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Jobs;

/// <summary>What one pull did per entity set.</summary>
public sealed record PullReport(IReadOnlyDictionary<string, PullCounts> Sets);

/// <summary>Records read, changed in the ledger, and rejected (dead-lettered), of one entity set.</summary>
public sealed record PullCounts(int Read, int Applied, int Rejected);

/// <summary>
/// Pulls Business Central changes into the ledger: payment terms (all), then customers and sales invoices
/// changed since their watermark. Each page is committed before its watermark moves, so a crash mid-pull
/// loses nothing (the next pull starts at the old watermark) and doubles nothing (delivery keys and versions).
/// </summary>
public sealed partial class ErpPullService(
    BusinessCentralClient client,
    BusinessCentralMapper mapper,
    IOptions<BusinessCentralOptions> options,
    WatermarkStore watermarks,
    ILedgerStore ledger,
    IDeadLetterStore deadLetters,
    TimeProvider time,
    ILogger<ErpPullService> logger)
{
    /// <summary>Runs one pull; does nothing when no company is configured.</summary>
    public async Task<PullReport> PullAsync(CancellationToken cancellationToken)
    {
        var sets = new Dictionary<string, PullCounts>(StringComparer.Ordinal);
        if (!options.Value.Enabled)
        {
            return new PullReport(sets);
        }

        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var page in client.ReadAsync("paymentTerms", since: null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var t in page.Values)
            {
                if (t.TryGetProperty("id", out var id) && id.GetString() is { } key)
                {
                    terms[key] = BusinessCentralMapper.TermsDays(t.TryGetProperty("dueDateCalculation", out var f) ? f.GetString() : null);
                }
            }
        }

        sets["customers"] = await PullSetAsync("customers", c => mapper.Customer(c, terms) is var (r, e) ? (r is null ? [] : [r], e) : default, cancellationToken).ConfigureAwait(false);
        sets["salesInvoices"] = await PullSetAsync("salesInvoices", mapper.Invoice, cancellationToken).ConfigureAwait(false);
        return new PullReport(sets);
    }

    private async Task<PullCounts> PullSetAsync(string set, Func<JsonElement, (IReadOnlyList<LedgerRecord> Records, string? Error)> map, CancellationToken ct)
    {
        var name = options.Value.Name;
        var since = await watermarks.GetAsync(name, set, ct).ConfigureAwait(false);
        int read = 0, applied = 0, rejected = 0;
        await foreach (var page in client.ReadAsync(set, since, ct).ConfigureAwait(false))
        {
            var items = new List<IncomingRecord>();
            foreach (var value in page.Values)
            {
                read++;
                var (records, error) = map(value);
                if (error is not null)
                {
                    rejected++;
                    var now = time.GetUtcNow();
                    await deadLetters.AddAsync(new DeadLetter(
                        DeadLetter.NewId(now), $"{name}:{set}", now,
                        "Invalid ERP record", [new FieldError(set, error)], null, set, value.GetRawText()), ct).ConfigureAwait(false);
                    continue;
                }

                // The delivery key names the record's version, so pulling the same change twice is a duplicate.
                items.AddRange(records.Select(r => new IncomingRecord(r, $"{name}:{set}:{r.Key}:{r.Version.ToString(CultureInfo.InvariantCulture)}")));
            }

            applied += (await ledger.CommitByCustomerAsync(items, ct).ConfigureAwait(false)).Count(o => o == CommitOutcome.Applied);

            if (page.Values.Select(BusinessCentralMapper.Changed).Max() is { } watermark)
            {
                await watermarks.AdvanceAsync(name, set, watermark, ct).ConfigureAwait(false);
            }
        }

        LogPulled(logger, name, set, read, applied, rejected);
        return new PullCounts(read, applied, rejected);
    }

    [LoggerMessage(1, LogLevel.Information, "Pulled {Connector} {EntitySet}: {Read} read, {Applied} applied, {Rejected} rejected")]
    private static partial void LogPulled(ILogger logger, string connector, string entitySet, int read, int applied, int rejected);
}
