using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Contracts;

/// <summary>Where an experiment stands.</summary>
public enum ExperimentState
{
    Draft,
    Running,
    Stopped,
    Promoted,
}

/// <summary>An arm the guardrail stopped (its customers are dunned with the champion's playbook from then on), why and when.</summary>
public sealed record GuardrailStop(string Arm, string Reason, DateOnly On);

/// <summary>
/// An experiment as stored: its design, state, when it started and ended, the arms the guardrail stopped, the arm promoted
/// and who did what last.
/// </summary>
public sealed record ExperimentEntry(
    ExperimentDesign Design, ExperimentState State, DateOnly? StartedOn = null, DateOnly? EndedOn = null, IReadOnlyList<GuardrailStop>? StoppedArms = null,
    string? PromotedArm = null, string? ChangedBy = null, DateTimeOffset? ChangedAt = null)
{
    /// <summary>Whether the guardrail stopped <paramref name="arm"/>.</summary>
    public bool IsStopped(string arm) => StoppedArms?.Any(s => s.Arm == arm) == true;

    /// <summary>The playbook of <paramref name="arm"/>.</summary>
    public string PlaybookOf(string arm) => Design.Arms.First(a => a.Id == arm).PlaybookId;
}

/// <summary>A playbook an arm can use, with the population it is the default for.</summary>
public sealed record PlaybookOption(string Id, string Name, IReadOnlyList<Segment> Segments, IReadOnlyList<string> RiskBands);

/// <summary><c>GET /api/experiments</c>: every experiment, and the playbooks a new one can compare.</summary>
public sealed record ExperimentList(IReadOnlyList<ExperimentEntry> Experiments, IReadOnlyList<PlaybookOption> Playbooks);

/// <summary>
/// <c>GET /api/experiments/{experimentId}</c> (and the answer of start, stop and promote): the entry, how many customers each
/// arm holds, and the result as of today or its end (null before the start).
/// </summary>
public sealed record ExperimentDetail(ExperimentEntry Entry, int Assigned, ExperimentResult? Result);

/// <summary><c>POST /api/experiments/{experimentId}/promote</c>: the arm whose playbook becomes the population's.</summary>
public sealed record PromoteRequest(string Arm);

/// <summary>A customer's arm in an experiment, as the customer 360 shows it (from its event log).</summary>
public sealed record ExperimentMembership(string ExperimentId, string Arm, string PlaybookId, DateTimeOffset Since);
