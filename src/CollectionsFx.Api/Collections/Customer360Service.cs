using CollectionsFx.Api.Dunning;
using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Tasks;
using CollectionsFx.Workflows.Dunning;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Collections;

/// <summary>
/// The customer 360 (<see cref="Customer360"/>): the account as the KPIs see it today, its worklist row, scores, open tasks,
/// the actions logged in its ledger and its dunning cycle, read side by side.
/// </summary>
public sealed class Customer360Service(InsightsService insights, WorklistService worklist, ScoringService scoring, TaskStore tasks, ILedgerStore ledger)
{
    /// <summary>The customer 360 of <paramref name="customerId"/>; null when no such customer is known.</summary>
    public async Task<Customer360?> GetAsync(string customerId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var today = insights.Today();
        var book = await snapshot.BookAsOfAsync(today).ConfigureAwait(false);
        var account = book.Accounts.FirstOrDefault(a => a.CustomerId == customerId);
        if (account is null)
        {
            return null;
        }

        var entry = (await worklist.EntryAsync(account, today, cancellationToken).ConfigureAwait(false))!;
        var (score, invoiceScores) = await scoring.ScoresAsync(customerId, cancellationToken).ConfigureAwait(false);
        var open = await tasks.OpenAsync(customerId: customerId, cancellationToken: cancellationToken).ConfigureAwait(false);
        var contacts = (await ledger.LoadAsync(customerId, cancellationToken).ConfigureAwait(false)).Records.OfType<ContactRecord>()
            .OrderByDescending(c => c.OccurredAt)
            .Select(c => new ContactView(c.OccurredAt, c.ActionKind, c.DunningLevel, c.Automated ? "automation" : c.Resource, c.Invoices, DunningHandler.Describe(c), c.Notes))
            .ToList();
        return new Customer360(
            CustomerProfile.Of(account, today, snapshot.Rates.ReportingCurrency), entry.Customer, entry.Next, entry.Proposals, score, invoiceScores, open,
            contacts, await DunningAsync(customerId, client, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<DunningSummary> DunningAsync(string customerId, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(DunningCycle.InstanceId(customerId), getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return new DunningSummary(false, "none", 0, null, false);
        }

        var state = instance.IsRunning ? instance.ReadInputAs<DunningCycleInput>() : null;
        return new DunningSummary(
            instance.IsRunning, instance.RuntimeStatus.ToString(), state?.LevelsSent is { Count: > 0 } levels ? levels.Values.Max() : 0,
            state?.SnoozedUntil, state?.Blocked ?? false);
    }
}
