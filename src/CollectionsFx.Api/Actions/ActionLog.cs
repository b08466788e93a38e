using CollectionsFx.Api.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Api.Actions;

/// <summary>
/// LogAction: every collection action, automated or by a person, goes into the customer's ledger once (by its id) as a contact
/// record, so it is in the event log, the customer 360 and the cost of collections KPI, which prices it with the configured
/// cost of its kind (<see cref="InsightsOptions.Costs"/>).
/// </summary>
public sealed class ActionLog(ILedgerStore ledger, InsightsService insights, TimeProvider time)
{
    /// <summary>An action to log: <see cref="Id"/> is stable across retries (the workflow's key).</summary>
    public sealed record Entry(
        string CustomerId, string Id, ActionKind Kind, bool Automated, string Resource, IReadOnlyList<string> InvoiceIds, string? Notes = null, int? DunningLevel = null);

    /// <summary>Records the action unless it is already recorded; returns its cost units.</summary>
    public async Task<decimal> RecordAsync(Entry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var at = time.GetUtcNow();
        await ledger.CommitAsync(entry.CustomerId, [new IncomingRecord(new ContactRecord
        {
            Id = entry.Id, CustomerId = entry.CustomerId, Version = 1, ChangedAt = at, Resource = entry.Resource, ActionKind = entry.Kind, OccurredAt = at,
            Automated = entry.Automated, Notes = entry.Notes, DunningLevel = entry.DunningLevel, InvoiceIds = entry.InvoiceIds,
        }, "action:" + entry.Id)], cancellationToken).ConfigureAwait(false);
        return CostOf(entry.Kind, entry.Automated);
    }

    /// <summary>The configured cost units of one action of a kind.</summary>
    public decimal CostOf(ActionKind kind, bool automated) => insights.Options.Costs().CostOf(kind, automated);
}
