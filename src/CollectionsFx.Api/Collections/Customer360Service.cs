using CollectionsFx.Api.Dunning;
using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Tasks;
using CollectionsFx.Workflows.Dunning;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Api.Collections;

/// <summary>
/// The customer 360 (<see cref="Customer360"/>): the account as the KPIs see it today, its worklist row, scores, open tasks,
/// the actions logged in its ledger and its dunning cycle, read side by side.
/// </summary>
public sealed class Customer360Service(InsightsService insights, WorklistService worklist, ScoringService scoring, TaskStore tasks)
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

        // The three stores are read side by side: each is a partition query (on Azurite a table scan).
        var scoresRead = scoring.ScoresAsync(customerId, cancellationToken);
        var tasksRead = tasks.OpenAsync(customerId: customerId, cancellationToken: cancellationToken);
        var dunningRead = DunningAsync(customerId, client, cancellationToken);
        var entry = (await worklist.EntryAsync(account, today, cancellationToken).ConfigureAwait(false))!;
        var (score, invoiceScores) = await scoresRead.ConfigureAwait(false);
        var open = await tasksRead.ConfigureAwait(false);
        // Contacts from the snapshot's event log (the ledger's records as logged), not a ledger read: on Azurite a partition
        // query scans the whole table, seconds under load; the snapshot is refreshed right after a person records something.
        var records = snapshot.Events.Where(e => e.CustomerId == customerId).Select(e => e.Record).ToList();
        var contacts = records.OfType<ContactRecord>()
            .GroupBy(c => c.Id, StringComparer.Ordinal).Select(g => g.MaxBy(c => c.Version)!)
            .OrderByDescending(c => c.OccurredAt)
            .Select(c => new ContactView(c.OccurredAt, c.ActionKind, c.DunningLevel, c.Automated ? "automation" : c.Resource, c.Invoices, DunningHandler.Describe(c), c.Notes))
            .ToList();
        return new Customer360(
            CustomerProfile.Of(account, today, snapshot.Rates.ReportingCurrency), entry.Customer, entry.Next, entry.Proposals, score, invoiceScores, open,
            contacts, await dunningRead.ConfigureAwait(false),
            [.. records.OfType<ExperimentRecord>().Select(x => new ExperimentMembership(x.Id, x.Arm, x.PlaybookId, x.ChangedAt))]);
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
