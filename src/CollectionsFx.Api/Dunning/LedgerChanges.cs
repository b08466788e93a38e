using CollectionsFx.Api.Scoring;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Workflows.Dunning;
using CollectionsFx.Workflows.Promises;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Dunning;

/// <summary>What woke or started after one batch of ledger changes.</summary>
public sealed record LedgerChangeResult(int CyclesWoken, int FollowUpsStarted, int FollowUpsWoken);

/// <summary>
/// What follows a change in customers' ledgers (the rescore queue's message): their open invoices are scored again, their
/// running dunning cycles are woken with a <c>changed</c> signal (so a payment, dispute, promise or credit note changes the
/// cycle's course at once; scoring first, since the cycle's next view reads the new risk band), and each open promise gets
/// its follow-up: started once when new, woken when running (a payment or a withdrawal).
/// </summary>
public sealed class LedgerChanges(OnDemandScoring scoring, Insights.InsightsService insights, ILedgerStore ledger)
{
    /// <summary>Handles one batch of changed customers.</summary>
    /// <remarks>
    /// <paramref name="causes"/>: per customer, the trace of the webhook request that changed its ledger (the latest of the
    /// messages handled together). A customer's woken cycle and started follow-ups carry its own cause on; the span of the
    /// whole batch continues the first cause and links the others.
    /// </remarks>
    public async Task<LedgerChangeResult> HandleAsync(IReadOnlyCollection<string> customers, DurableTaskClient client, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? causes = null)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(client);
        var traces = causes?.Values.Distinct(StringComparer.Ordinal).ToList() ?? [];
        using var span = Diagnostics.Telemetry.StartFrom("ledger.changes", traces.FirstOrDefault(), traces);
        span?.SetTag("cfx.customers", customers.Count);
        // The message was sent after its commit: one refresh and the snapshot both the scoring and the woken cycles read holds it.
        await insights.RefreshAsync(cancellationToken).ConfigureAwait(false);
        await scoring.ScoreAsync(customers, cancellationToken).ConfigureAwait(false);
        var (woken, started, followed) = (0, 0, 0);
        foreach (var customer in customers)
        {
            var trace = causes?.GetValueOrDefault(customer);
            var id = DunningCycle.InstanceId(customer);
            if (await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false) is { IsRunning: true })
            {
                await client.RaiseEventAsync(id, DunningCycle.SignalEvent, new DunningSignal("changed", TraceParent: trace), cancellationToken).ConfigureAwait(false);
                woken++;
            }

            var promises = (await ledger.LoadAsync(customer, cancellationToken).ConfigureAwait(false)).Records.OfType<PromiseRecord>().Where(p => p.State == PromiseState.Open);
            foreach (var promise in promises)
            {
                // One read of the instance decides: none yet, start it; running, wake it; ended, leave it.
                var followUp = PromiseFollowUp.InstanceId(promise.Id);
                switch (await client.GetInstanceAsync(followUp, cancellationToken).ConfigureAwait(false))
                {
                    case null:
                        await client.ScheduleNewOrchestrationInstanceAsync(
                            nameof(PromiseFollowUp), new PromiseFollowUpInput(customer, promise.Id, trace), new StartOrchestrationOptions(followUp), cancellationToken).ConfigureAwait(false);
                        started++;
                        break;
                    case { IsRunning: true }:
                        await client.RaiseEventAsync(followUp, PromiseFollowUp.ChangedEvent, "changed", cancellationToken).ConfigureAwait(false);
                        followed++;
                        break;
                }
            }
        }

        return new LedgerChangeResult(woken, started, followed);
    }
}
