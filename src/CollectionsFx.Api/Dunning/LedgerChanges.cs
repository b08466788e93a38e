using CollectionsFx.Api.Scoring;
using CollectionsFx.Workflows.Dunning;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Dunning;

/// <summary>
/// What follows a change in customers' ledgers (the rescore queue's message): their open invoices are scored again, then their
/// running dunning cycles are woken with a <c>changed</c> signal, so a payment, dispute, promise or credit note changes the
/// cycle's course at once (scoring first: the cycle's next view reads the new risk band).
/// </summary>
public sealed class LedgerChanges(OnDemandScoring scoring, Insights.InsightsService insights)
{
    /// <summary>Handles one batch of changed customers; returns how many cycles were woken.</summary>
    public async Task<int> HandleAsync(IReadOnlyCollection<string> customers, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(client);
        // The message was sent after its commit: one refresh and the snapshot both the scoring and the woken cycles read holds it.
        await insights.RefreshAsync(cancellationToken).ConfigureAwait(false);
        await scoring.ScoreAsync(customers, cancellationToken).ConfigureAwait(false);
        var woken = 0;
        foreach (var customer in customers)
        {
            var id = DunningCycle.InstanceId(customer);
            if (await client.GetInstanceAsync(id, cancellationToken).ConfigureAwait(false) is { IsRunning: true })
            {
                await client.RaiseEventAsync(id, DunningCycle.SignalEvent, new DunningSignal("changed"), cancellationToken).ConfigureAwait(false);
                woken++;
            }
        }

        return woken;
    }
}
