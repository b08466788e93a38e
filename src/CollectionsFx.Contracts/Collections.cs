using CollectionsFx.Domain.Actions;

namespace CollectionsFx.Contracts;

/// <summary>One row of a collector's worklist: the customer's situation, its next-best action (if any) and the other proposals.</summary>
public sealed record WorklistEntry(CustomerSituation Customer, Proposal? Next, IReadOnlyList<Proposal> Proposals);

/// <summary><c>GET /api/worklist</c>: one page of the worklist, best first, with the history's observed association (ADR 010).</summary>
public sealed record WorklistPage(
    string? Collector, int Total, int Offset, int Limit, decimal TotalValueAtStake, IReadOnlyList<WorklistEntry> Items,
    IReadOnlyList<Evidence> ObservedAssociation);

/// <summary><c>POST /api/worklist/{customerId}/execute</c>: what was done.</summary>
public sealed record ExecutedAction(string CustomerId, CollectionAction Action, decimal ExpectedValue, bool Done, string Outcome);

/// <summary><c>GET/PUT /api/automation</c>: which next-best actions run touchless (the rest become tasks), who set it and when.</summary>
public sealed record AutomationSettings(IReadOnlyList<CollectionAction> Touchless, string? SetBy, DateTimeOffset? SetAt);

/// <summary><c>POST /api/customers/assign</c>: customers moved to a collector, and the ids the ledger does not know.</summary>
public sealed record Assignment(string Collector, int Assigned, IReadOnlyList<string> Unknown);
