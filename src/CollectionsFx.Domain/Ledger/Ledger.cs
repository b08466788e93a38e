namespace CollectionsFx.Domain.Ledger;

/// <summary>
/// The accounts-receivable ledger: the current version of every entity, and what follows from them
/// (open amounts, statuses). Its state depends only on the set of records applied, never on their
/// order: each entity keeps its highest version, and everything else is derived.
/// </summary>
public sealed class Ledger
{
    private readonly Dictionary<EntityKey, LedgerRecord> records = [];
    private readonly Dictionary<string, HashSet<EntityKey>> byInvoice = new(StringComparer.Ordinal);

    /// <summary>Current version of every entity.</summary>
    public IReadOnlyCollection<LedgerRecord> Records => records.Values;

    /// <summary>Rebuilds a ledger by applying, in order, the records that the event log carries.</summary>
    public static Ledger Replay(IEnumerable<LedgerEvent> log)
    {
        var ledger = new Ledger();
        foreach (var e in log)
        {
            if (e.Record is not null)
            {
                ledger.Apply(e.Record);
            }
        }

        return ledger;
    }

    /// <summary>The current version of an entity, if the ledger has one.</summary>
    public LedgerRecord? Find(EntityKey key) => records.GetValueOrDefault(key);

    /// <summary>Applies one record: newer versions replace older ones; the same or an older version has no effect.</summary>
    public ApplyResult Apply(LedgerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var existing = records.GetValueOrDefault(record.Key);
        if (existing is not null)
        {
            if (existing.Version == record.Version)
            {
                return ApplyResult.Duplicate;
            }

            if (existing.Version > record.Version)
            {
                return ApplyResult.Stale;
            }
        }

        var affected = InvoicesTouchedBy(existing).Concat(InvoicesTouchedBy(record)).Distinct(StringComparer.Ordinal).ToList();
        var before = affected.ToDictionary(id => id, Invoice, StringComparer.Ordinal);

        Unindex(existing);
        records[record.Key] = record;
        Index(record);

        var events = new List<LedgerEvent>();
        ChangeEvents.ForRecord(existing, record, events);
        foreach (var id in affected)
        {
            ChangeEvents.ForInvoiceBalance(record, before[id], Invoice(id), events);
        }

        if (events.Count == 0)
        {
            events.Add(ChangeEvents.Fallback(record));
        }

        events[0] = events[0] with { Record = record };
        return new ApplyResult(ApplyOutcome.Applied, events);
    }

    /// <summary>The derived state of an invoice, or null when the ledger has no record of it yet.</summary>
    public InvoiceState? Invoice(string invoiceId)
    {
        if (records.GetValueOrDefault(new EntityKey(EntityKind.Invoice, invoiceId)) is not InvoiceRecord invoice)
        {
            return null;
        }

        var open = invoice.Amount;
        var disputed = false;
        var promised = false;
        var brokenPromises = 0;
        foreach (var key in byInvoice.GetValueOrDefault(invoiceId) ?? [])
        {
            switch (records[key])
            {
                case PaymentRecord p:
                    open -= p.Allocations.Where(a => a.InvoiceId == invoiceId).Sum(a => a.Amount);
                    break;
                case CreditNoteRecord c:
                    open -= c.Amount;
                    break;
                case DisputeRecord d when d.IsOpen:
                    disputed = true;
                    break;
                case PromiseRecord { State: PromiseState.Open }:
                    promised = true;
                    break;
                case PromiseRecord { State: PromiseState.Broken }:
                    brokenPromises++;
                    break;
            }
        }

        var status = invoice switch
        {
            { Cancelled: true } => InvoiceStatus.Cancelled,
            { WrittenOff: true } => InvoiceStatus.WrittenOff,
            _ when open <= 0 => InvoiceStatus.Paid,
            _ when disputed => InvoiceStatus.Disputed,
            _ when open < invoice.Amount => InvoiceStatus.PartiallyPaid,
            _ => InvoiceStatus.Open,
        };
        return new InvoiceState(invoice, open, status, disputed, brokenPromises, promised);
    }

    /// <summary>Derived states of all invoices, ordered by id.</summary>
    public IEnumerable<InvoiceState> Invoices() =>
        records.Values.OfType<InvoiceRecord>().OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => Invoice(i.Id)!);

    private static IEnumerable<string> InvoicesTouchedBy(LedgerRecord? record) => record switch
    {
        InvoiceRecord i => [i.Id],
        PaymentRecord p => p.Allocations.Select(a => a.InvoiceId),
        CreditNoteRecord { InvoiceId: { } id } => [id],
        DisputeRecord d => [d.InvoiceId],
        PromiseRecord p => p.InvoiceIds,
        _ => [],
    };

    private void Index(LedgerRecord record)
    {
        if (record is InvoiceRecord)
        {
            return;
        }

        foreach (var id in InvoicesTouchedBy(record))
        {
            if (!byInvoice.TryGetValue(id, out var set))
            {
                byInvoice[id] = set = [];
            }

            set.Add(record.Key);
        }
    }

    private void Unindex(LedgerRecord? record)
    {
        if (record is null or InvoiceRecord)
        {
            return;
        }

        foreach (var id in InvoicesTouchedBy(record))
        {
            if (byInvoice.TryGetValue(id, out var set))
            {
                set.Remove(record.Key);
            }
        }
    }
}
