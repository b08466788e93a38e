using CollectionsFx.Api.Experiments;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Experiments;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.Cli.Demo;

/// <summary>
/// The demo company's running experiment, so the Steering view has a result to show on the first run: the mid-market and
/// SMB customers split half and half <see cref="DaysAgo"/> days ago between the mid-market playbook (champion) and the
/// high-risk one ("firm"), and the firm arm's customers made to pay their invoices due since then <see cref="EffectDays"/>
/// days earlier. The analysis should find that effect, and it is the demo's only invented effect.
/// </summary>
public static class DemoExperiment
{
    public const int DaysAgo = 120;

    public const int EffectDays = 5;

    public static readonly ExperimentDesign Design = new(
        "demo-firm-mid-market", "Firm reminders for mid-market and SMB (demo)", "champion",
        [new ExperimentArm("champion", "mid-market", 0.5), new ExperimentArm("firm", "high-risk", 0.5)],
        new Eligibility([Segment.MidMarket, Segment.Smb]), new Guardrail(), MinimumEffectDays: 3);

    /// <summary>
    /// The demo's options with the experiment's effect, and the arms: the eligible customers of the demo generated without
    /// it (the same customers: the generator is deterministic for a seed), split by the experiment's hash. There were no
    /// scores when it started, so every customer is in one stratum.
    /// </summary>
    public static (DemoOptions Options, IReadOnlyDictionary<string, string> Arms, DateOnly Start) Prepare(DemoOptions options, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(options);
        var eligible = DemoCompany.Generate(options, today)
            .Where(e => e.Type == EventTypes.Customer && e.Data["segment"]?.GetValue<string>() is "midMarket" or "smb")
            .Select(e => e.Data["customerId"]!.GetValue<string>()).Distinct(StringComparer.Ordinal)
            .Select(id => (id, "medium")).ToList();
        var arms = ArmAssignment.AssignAtStart(Design, eligible);
        var start = today.AddDays(-DaysAgo);
        return (options with { PaymentShift = (customer, due) => due >= start && arms.TryGetValue(customer, out var arm) && arm == "firm" ? -EffectDays : 0 }, arms, start);
    }

    /// <summary>
    /// Records the experiment as running since <paramref name="start"/>: its entry, its assignments and each customer's
    /// assignment in the ledger (dated the start). Does nothing when it is there already.
    /// </summary>
    public static async Task RecordAsync(IServiceProvider services, IReadOnlyDictionary<string, string> arms, DateOnly start, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(arms);
        var store = services.GetRequiredService<ExperimentStore>();
        var at = new DateTimeOffset(start.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        var entry = new ExperimentEntry(Design, ExperimentState.Running, StartedOn: start, ChangedBy: "demo", ChangedAt: at);
        if (!await store.CreateAsync(entry, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await store.AssignAsync(Design.Id, arms, cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<ExperimentService>().RecordAssignmentsAsync(entry, arms.Select(a => (a.Key, a.Value)), "demo", at, cancellationToken).ConfigureAwait(false);
        await services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(cancellationToken).ConfigureAwait(false);
    }
}
