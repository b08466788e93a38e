using CollectionsFx.Domain.Ledger;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LedgerModel = CollectionsFx.Domain.Ledger.Ledger;

namespace CollectionsFx.Domain.Tests.Ledger;

/// <summary>
/// The ledger depends only on the set of deltas: random sequences with duplicates and shuffled order
/// give the same ledger as the ordered, de-duplicated sequence, and replaying any resulting event log
/// rebuilds it.
/// </summary>
public sealed class LedgerReplayProperties
{
    private static readonly string[] InvoiceIds = ["I1", "I2", "I3", "I4"];

    // "I9" is never created: allocations to unknown invoices must not break anything.
    private static readonly string[] AllocatableIds = [.. InvoiceIds, "I9"];

    [Property(MaxTest = 300, Arbitrary = [typeof(DeltaSequences)])]
    public bool Shuffled_sequences_with_duplicates_give_the_ordered_ledger(Scenario scenario)
    {
        var expected = LedgerJson.Canonical(Run(scenario.Ordered, out _));
        var actual = LedgerJson.Canonical(Run(scenario.Delivered, out _));
        return expected == actual;
    }

    [Property(MaxTest = 300, Arbitrary = [typeof(DeltaSequences)])]
    public bool Replaying_the_event_log_rebuilds_the_same_ledger(Scenario scenario)
    {
        var ledger = Run(scenario.Delivered, out var log);
        return LedgerJson.Canonical(LedgerModel.Replay(log)) == LedgerJson.Canonical(ledger);
    }

    [Fact]
    public void The_property_can_fail_when_order_matters()
    {
        // Guard that the comparison is sharp: the same invoice with different amounts under one version
        // is a conflict the ledger resolves by arrival order, and the canonical text shows the difference.
        var a = new LedgerModel();
        a.Apply(Build.Invoice("I1", 100m));
        var b = new LedgerModel();
        b.Apply(Build.Invoice("I1", 200m));
        Assert.NotEqual(LedgerJson.Canonical(a), LedgerJson.Canonical(b));
    }

    private static LedgerModel Run(IEnumerable<LedgerRecord> records, out List<LedgerEvent> log)
    {
        var ledger = new LedgerModel();
        log = [];
        foreach (var r in records)
        {
            log.AddRange(ledger.Apply(r).Events);
        }

        return ledger;
    }

    /// <summary>A set of distinct record versions, and the order (with repeats) they were delivered in.</summary>
    public sealed record Scenario(IReadOnlyList<LedgerRecord> Ordered, IReadOnlyList<LedgerRecord> Delivered)
    {
        public override string ToString() => string.Join(Environment.NewLine, Delivered.Select(r => $"{r.Key} v{r.Version}: {r}"));
    }

    public static class DeltaSequences
    {
        public static Arbitrary<Scenario> Scenarios() => ScenarioGen.ToArbitrary();

        private static Gen<Scenario> ScenarioGen =>
            from versions in Gen.CollectToArray(Entities(), Versions)
            let distinct = versions.SelectMany(v => v).OrderBy(r => r.ChangedAt).ThenBy(r => r.Key.ToString(), StringComparer.Ordinal).ToArray()
            from dupes in Gen.Elements(distinct).ListOf()
            from delivered in Gen.Shuffle(distinct.Concat(dupes).ToArray())
            select new Scenario(distinct, delivered);

        private static IEnumerable<(EntityKind Kind, string Id)> Entities() =>
            [(EntityKind.Customer, "C1"), .. InvoiceIds.Select(i => (EntityKind.Invoice, i)), (EntityKind.Payment, "P1"), (EntityKind.Payment, "P2"),
             (EntityKind.CreditNote, "CN1"), (EntityKind.Dispute, "D1"), (EntityKind.Promise, "PR1"), (EntityKind.Contact, "A1")];

        // Each entity gets 0 to 3 versions; each version's content is generated independently.
        private static Gen<LedgerRecord[]> Versions((EntityKind Kind, string Id) entity) =>
            from count in Gen.Choose(0, 3)
            from records in Gen.CollectToArray(Enumerable.Range(1, count), v => Version(entity.Kind, entity.Id, v))
            select records.ToArray();

        private static Gen<LedgerRecord> Version(EntityKind kind, string id, int version)
        {
            var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(version * 10 + (int)kind);
            return kind switch
            {
                EntityKind.Customer =>
                    from terms in Gen.Elements(14, 30, 60)
                    from block in Gen.Elements(true, false)
                    from hold in Gen.Elements(true, false)
                    select (LedgerRecord)(Build.Customer(id, version, block, terms) with { CreditHold = hold, ChangedAt = at }),
                EntityKind.Invoice =>
                    from amount in Gen.Choose(1, 500)
                    from due in Gen.Choose(-10, 60)
                    from cancelled in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
                    select (LedgerRecord)(Build.Invoice(id, amount, version, dueInDays: due, cancelled: cancelled) with { ChangedAt = at }),
                EntityKind.Payment =>
                    from amount in Gen.Choose(1, 800)
                    from allocations in Allocation().ListOf()
                    select (LedgerRecord)(Build.Payment(id, amount, version, "C1", [.. allocations.DistinctBy(a => a.Invoice)]) with { ChangedAt = at }),
                EntityKind.CreditNote =>
                    from amount in Gen.Choose(1, 300)
                    from invoice in Gen.Elements<string?>([.. AllocatableIds, null])
                    select (LedgerRecord)(Build.CreditNote(id, amount, invoice, version) with { ChangedAt = at }),
                EntityKind.Dispute =>
                    from invoice in Gen.Elements(InvoiceIds)
                    from outcome in Gen.Elements<DisputeOutcome?>(null, DisputeOutcome.Accepted, DisputeOutcome.Rejected)
                    select (LedgerRecord)(Build.Dispute(id, invoice, outcome, version) with { ChangedAt = at }),
                EntityKind.Promise =>
                    from state in Gen.Elements(Enum.GetValues<PromiseState>())
                    from invoices in Gen.SubListOf(InvoiceIds)
                    select (LedgerRecord)(Build.Promise(id, state, version, [.. invoices.DefaultIfEmpty("I1")]) with { ChangedAt = at }),
                _ =>
                    from actionKind in Gen.Elements(ActionKind.Call, ActionKind.Email, ActionKind.CrmEscalation)
                    from invoice in Gen.Elements<string?>([.. InvoiceIds, null])
                    select (LedgerRecord)(Build.Contact(id, actionKind, invoice) with { Version = version, ChangedAt = at }),
            };
        }

        private static Gen<(string Invoice, decimal Amount)> Allocation() =>
            from invoice in Gen.Elements(AllocatableIds)
            from amount in Gen.Choose(1, 400)
            select (invoice, (decimal)amount);
    }
}
