using CollectionsFx.Domain.Actions;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Contracts;

/// <summary>A customer's dunning cycle as the customer 360 shows it: its Durable status (none: never started), the highest level sent.</summary>
public sealed record DunningSummary(bool Running, string Status, int HighestLevel, DateOnly? SnoozedUntil, bool Blocked);

/// <summary>A contact or action on the account (e-mail sent, call, CRM case, credit hold), in words, with who did it.</summary>
public sealed record ContactView(DateTimeOffset At, ActionKind Action, int? DunningLevel, string By, IReadOnlyList<string> Invoices, string Text, string? Notes);

/// <summary>
/// <c>GET /api/customers/{customerId}</c>: the customer 360. The account as of today (<see cref="Profile"/>), its situation and
/// next-best action (with every positive proposal), the newest likelihood-to-pay scores with their reasons, open tasks, the
/// contact history (newest first) and the dunning cycle.
/// </summary>
public sealed record Customer360(
    CustomerProfile Profile, CustomerSituation Situation, Proposal? Next, IReadOnlyList<Proposal> Proposals,
    CustomerScore? Score, IReadOnlyList<InvoiceScore> InvoiceScores, IReadOnlyList<WorkTask> Tasks,
    IReadOnlyList<ContactView> Contacts, DunningSummary Dunning, IReadOnlyList<ExperimentMembership>? Experiments = null);
