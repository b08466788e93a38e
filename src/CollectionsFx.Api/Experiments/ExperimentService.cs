using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Actions;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Experiments;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.Api.Experiments;

/// <summary>A request the experiment's state does not allow (starting twice, promoting a stopped arm): a 409 at the edge.</summary>
public sealed class ExperimentConflictException(string message) : Exception(message);

/// <summary>
/// Champion/challenger experiments over the stored entries (issue 8): create (the design checked, its playbooks known),
/// start (the eligible customers of the book today assigned, stratified by their risk band, each assignment written to the
/// customer's ledger and so to the event log), stop, promote (the arm's playbook becomes the population's), the guardrail
/// (an arm whose dispute rate runs away is stopped by itself), the result as of today, and the playbook a customer is dunned
/// with.
/// </summary>
public sealed partial class ExperimentService(
    ExperimentStore store, PlaybookSet playbooks, InsightsService insights, ScoreCache scores, ILedgerStore ledger, TimeProvider time, ILogger<ExperimentService> logger)
{
    /// <summary>How long the experiments and running assignments are kept in memory for the dunning cycles' reads.</summary>
    public static readonly TimeSpan AssignmentsMaxAge = TimeSpan.FromSeconds(30);

    // A reference swapped whole (requests and the hourly job read it concurrently; a struct could be read half-written).
    private volatile Snapshot? cache;

    /// <summary>The playbooks an arm may use.</summary>
    public IReadOnlyList<PlaybookOption> Playbooks => [.. playbooks.Playbooks.Select(p => new PlaybookOption(p.Id, p.Name, p.Segments, p.RiskBands))];

    /// <summary>Every experiment, by id.</summary>
    public Task<IReadOnlyList<ExperimentEntry>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>The experiment with its assignment count and result; null when there is none.</summary>
    public async Task<ExperimentDetail?> DetailAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not var (entry, _))
        {
            return null;
        }

        var assignments = await store.AssignmentsAsync(id, cancellationToken).ConfigureAwait(false);
        return new ExperimentDetail(entry, assignments.Count, await AnalyseAsync(entry, assignments, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Stores a new draft; the problems (each naming its field) when it cannot run.</summary>
    public async Task<(ExperimentEntry? Entry, IReadOnlyList<(string Field, string Message)> Problems)> CreateAsync(ExperimentDesign design, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(design);
        var problems = design.Problems().ToList();
        var known = playbooks.Playbooks.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        problems.AddRange((design.Arms ?? []).Where(a => a is not null && !string.IsNullOrWhiteSpace(a.PlaybookId) && !known.Contains(a.PlaybookId))
            .Select(a => ("arms.playbookId", $"'{a.PlaybookId}' is not a playbook ({string.Join(", ", known.Order(StringComparer.Ordinal))})")));
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var entry = new ExperimentEntry(design, ExperimentState.Draft, ChangedBy: by, ChangedAt: time.GetUtcNow());
        return await store.CreateAsync(entry, cancellationToken).ConfigureAwait(false) ? (entry, []) : (null, [("id", $"an experiment '{design.Id}' exists")]);
    }

    /// <summary>
    /// Starts a draft: assigns the eligible customers (stratified by risk band; a customer another running experiment holds
    /// stays there), records each assignment in the customer's ledger, and marks the experiment running from today.
    /// </summary>
    public async Task<(ExperimentEntry Entry, int Assigned)> StartAsync(string id, string by, CancellationToken cancellationToken)
    {
        var (entry, etag) = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (entry.State != ExperimentState.Draft)
        {
            throw new ExperimentConflictException($"experiment '{id}' is {Name(entry.State)}, only a draft can start");
        }

        var (_, running) = await ReadAsync(cancellationToken, fresh: true).ConfigureAwait(false);
        var eligible = (await FreeCustomersAsync(running, cancellationToken).ConfigureAwait(false))
            .Where(c => entry.Design.Eligible.Admits(c.Segment, c.Band))
            .Select(c => (c.CustomerId, c.Band)).ToList();
        var assigned = await store.AssignAsync(id, ArmAssignment.AssignAtStart(entry.Design, eligible), cancellationToken).ConfigureAwait(false);

        var now = time.GetUtcNow();
        await RecordAssignmentsAsync(entry, assigned.Select(a => (a.Key, a.Value)), by, now, cancellationToken).ConfigureAwait(false);
        var started = entry with { State = ExperimentState.Running, StartedOn = insights.Today(), ChangedBy = by, ChangedAt = now };
        await SaveAsync(started, etag, cancellationToken).ConfigureAwait(false);
        await insights.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return (started, assigned.Count);
    }

    /// <summary>Stops a running experiment (every customer goes back to the playbook of its segment and band).</summary>
    public async Task<ExperimentEntry> StopAsync(string id, string by, CancellationToken cancellationToken)
    {
        var (entry, etag) = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (entry.State != ExperimentState.Running)
        {
            throw new ExperimentConflictException($"experiment '{id}' is {Name(entry.State)}, only a running one can stop");
        }

        var stopped = entry with { State = ExperimentState.Stopped, EndedOn = insights.Today(), ChangedBy = by, ChangedAt = time.GetUtcNow() };
        await SaveAsync(stopped, etag, cancellationToken).ConfigureAwait(false);
        return stopped;
    }

    /// <summary>
    /// Promotes an arm of a running or stopped experiment: its playbook becomes the one for the experiment's whole population
    /// (its segments and risk bands), members or not, until another promotion for that population. An arm the guardrail
    /// stopped cannot be promoted.
    /// </summary>
    public async Task<ExperimentEntry> PromoteAsync(string id, string arm, string by, CancellationToken cancellationToken)
    {
        var (entry, etag) = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (entry.State is not (ExperimentState.Running or ExperimentState.Stopped))
        {
            throw new ExperimentConflictException($"experiment '{id}' is {Name(entry.State)}, only a running or stopped one can be promoted");
        }

        if (entry.Design.Arms.All(a => a.Id != arm))
        {
            throw new ArgumentException($"'{arm}' is not an arm of '{id}' ({string.Join(", ", entry.Design.Arms.Select(a => a.Id))})", nameof(arm));
        }

        if (entry.IsStopped(arm))
        {
            throw new ExperimentConflictException($"arm '{arm}' was stopped by the guardrail and cannot be promoted");
        }

        var promoted = entry with
        {
            State = ExperimentState.Promoted, PromotedArm = arm, EndedOn = entry.EndedOn ?? insights.Today(), ChangedBy = by, ChangedAt = time.GetUtcNow(),
        };
        await SaveAsync(promoted, etag, cancellationToken).ConfigureAwait(false);
        Log.Promoted(logger, id, arm, entry.PlaybookOf(arm), by);
        return promoted;
    }

    /// <summary>The hourly job: customers who became eligible join their running experiments, then the guardrail.</summary>
    public async Task<(int Joined, IReadOnlyList<(string Experiment, GuardrailStop Stop)> Stopped)> MaintainAsync(CancellationToken cancellationToken)
    {
        var joined = await AssignLateJoinersAsync(cancellationToken).ConfigureAwait(false);
        return (joined, await EnforceGuardrailsAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Customers who became eligible after a running experiment started (a new customer, a changed segment or band) join it,
    /// placed by the experiment's hash alone (<see cref="ArmAssignment.AssignLate"/>), their assignment recorded like the
    /// start's; a customer another running experiment holds stays there. Returns how many joined.
    /// </summary>
    public async Task<int> AssignLateJoinersAsync(CancellationToken cancellationToken)
    {
        var (_, running) = await ReadAsync(cancellationToken, fresh: true).ConfigureAwait(false);
        if (running.Count == 0)
        {
            return 0;
        }

        // Each free customer's segment and band once, whatever the number of experiments.
        var free = await FreeCustomersAsync(running, cancellationToken).ConfigureAwait(false);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var joined = 0;
        foreach (var (entry, _) in running.OrderBy(r => r.Entry.StartedOn).ThenBy(r => r.Entry.Design.Id, StringComparer.Ordinal))
        {
            var late = free
                .Where(c => !taken.Contains(c.CustomerId) && entry.Design.Eligible.Admits(c.Segment, c.Band))
                .ToDictionary(c => c.CustomerId, c => ArmAssignment.AssignLate(entry.Design, c.CustomerId), StringComparer.Ordinal);
            if (late.Count == 0)
            {
                continue;
            }

            var assigned = await store.AssignAsync(entry.Design.Id, late, cancellationToken).ConfigureAwait(false);
            await RecordAssignmentsAsync(entry, late.Keys.Select(c => (c, assigned[c])), "experiment", time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            taken.UnionWith(late.Keys);
            joined += late.Count;
        }

        if (joined > 0)
        {
            cache = null;
            await insights.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        return joined;
    }

    /// <summary>
    /// The guardrail, run by the hourly job: each running experiment's arms whose dispute rate exceeds the champion's by the
    /// margin (and not by chance) are stopped; their customers are dunned with the champion's playbook from then on.
    /// Returns the arms stopped now.
    /// </summary>
    public async Task<IReadOnlyList<(string Experiment, GuardrailStop Stop)>> EnforceGuardrailsAsync(CancellationToken cancellationToken)
    {
        var stopped = new List<(string, GuardrailStop)>();
        foreach (var listed in (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(e => e.State == ExperimentState.Running))
        {
            var (entry, etag) = await GetAsync(listed.Design.Id, cancellationToken).ConfigureAwait(false);
            var result = await AnalyseAsync(entry, await store.AssignmentsAsync(entry.Design.Id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            var today = insights.Today();
            var fresh = (result?.GuardrailStops ?? new Dictionary<string, string>()).Where(s => !entry.IsStopped(s.Key)).Select(s => new GuardrailStop(s.Key, s.Value, today)).ToList();
            if (fresh.Count == 0)
            {
                continue;
            }

            // A manager's change meanwhile wins; the next run looks again.
            if (await store.SaveAsync(entry with { StoppedArms = [.. entry.StoppedArms ?? [], .. fresh], ChangedBy = "guardrail", ChangedAt = time.GetUtcNow() }, etag, cancellationToken).ConfigureAwait(false))
            {
                foreach (var stop in fresh)
                {
                    Log.GuardrailStopped(logger, entry.Design.Id, stop.Arm, stop.Reason);
                    stopped.Add((entry.Design.Id, stop));
                }

                cache = null;
            }
        }

        return stopped;
    }

    /// <summary>
    /// The playbook a customer of <paramref name="segment"/> and <paramref name="riskBand"/> is dunned with when an experiment
    /// decides it: a running experiment holding the customer (its arm's, or the champion's when the guardrail stopped the arm),
    /// else the latest promotion whose population admits it; null when none does (the playbook of its segment and band).
    /// </summary>
    public async Task<Playbook?> PlaybookForAsync(string customerId, Segment segment, string? riskBand, CancellationToken cancellationToken)
    {
        var (all, running) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (entry, arms) in running)
        {
            if (arms.TryGetValue(customerId, out var arm))
            {
                return Find(entry.PlaybookOf(entry.IsStopped(arm) ? entry.Design.ChampionArm : arm));
            }
        }

        var band = riskBand is "low" or "medium" or "high" ? riskBand : "medium";
        var promotion = all.Where(e => e is { State: ExperimentState.Promoted, PromotedArm: not null } && e.Design.Eligible.Admits(segment, band))
            .MaxBy(e => e.ChangedAt);
        return promotion is null ? null : Find(promotion.PlaybookOf(promotion.PromotedArm!));
    }

    /// <summary>
    /// Writes each assignment to its customer's ledger (and so to the event log, which says from when a customer was dunned by
    /// which playbook) as made by <paramref name="by"/> at <paramref name="at"/>. A start, a join or a seed retried after a
    /// crash writes nothing twice: one record per experiment and customer, version 1, under a dedupe key.
    /// </summary>
    public Task RecordAssignmentsAsync(ExperimentEntry entry, IEnumerable<(string Customer, string Arm)> assignments, string by, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Parallel.ForEachAsync(assignments, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (a, ct) =>
            await ledger.CommitAsync(a.Customer, [new IncomingRecord(new ExperimentRecord
            {
                Id = entry.Design.Id, CustomerId = a.Customer, Version = 1, ChangedAt = at, Resource = by, Arm = a.Arm, PlaybookId = entry.PlaybookOf(a.Arm),
            }, $"experiment:{entry.Design.Id}:{a.Customer}")], ct).ConfigureAwait(false));
    }

    // The customers of today's book no running experiment holds, with the segment and risk band eligibility is decided on.
    private async Task<List<(string CustomerId, Segment Segment, string Band)>> FreeCustomersAsync(
        IReadOnlyList<(ExperimentEntry Entry, IReadOnlyDictionary<string, string> Arms)> running, CancellationToken ct)
    {
        var today = insights.Today();
        var book = await (await insights.CurrentAsync(ct).ConfigureAwait(false)).BookAsOfAsync(today).ConfigureAwait(false);
        var (likelihoods, _) = await scores.GetAsync(ct).ConfigureAwait(false);
        var taken = running.SelectMany(r => r.Arms.Keys).ToHashSet(StringComparer.Ordinal);
        return [.. book.Accounts.Where(a => !taken.Contains(a.CustomerId)).Select(a => (
            a.CustomerId, Enum.TryParse<Segment>(a.Segment, out var s) ? s : Segment.Smb,
            CustomerSituation.Of(a, today, id => likelihoods.TryGetValue(id, out var l) ? l : null).RiskBand))];
    }

    private Playbook? Find(string playbookId) => playbooks.Playbooks.FirstOrDefault(p => p.Id == playbookId);

    private async Task<(IReadOnlyList<ExperimentEntry> All, IReadOnlyList<(ExperimentEntry Entry, IReadOnlyDictionary<string, string> Arms)> Running)> ReadAsync(
        CancellationToken ct, bool fresh = false)
    {
        var cached = cache;
        if (fresh || cached is null || time.GetUtcNow() - cached.ReadAt > AssignmentsMaxAge)
        {
            var all = await store.ListAsync(ct).ConfigureAwait(false);
            var running = new List<(ExperimentEntry, IReadOnlyDictionary<string, string>)>();
            foreach (var entry in all.Where(e => e.State == ExperimentState.Running))
            {
                running.Add((entry, await store.AssignmentsAsync(entry.Design.Id, ct).ConfigureAwait(false)));
            }

            cached = new Snapshot(all, running, time.GetUtcNow());
            cache = cached;
        }

        return (cached.All, cached.Running);
    }

    private async Task<ExperimentResult?> AnalyseAsync(ExperimentEntry entry, IReadOnlyDictionary<string, string> assignments, CancellationToken ct)
    {
        if (entry.StartedOn is not { } from)
        {
            return null;
        }

        var asOf = entry.EndedOn ?? insights.Today();
        var snapshot = await insights.CurrentAsync(ct).ConfigureAwait(false);
        var book = await snapshot.BookAsOfAsync(asOf).ConfigureAwait(false);
        return ExperimentAnalysis.Analyse(entry.Design, assignments, book.Accounts, from, asOf, snapshot.Costs);
    }

    private async Task<(ExperimentEntry Entry, Azure.ETag ETag)> GetAsync(string id, CancellationToken ct) =>
        await store.GetAsync(id, ct).ConfigureAwait(false) ?? throw new KeyNotFoundException(id);

    private async Task SaveAsync(ExperimentEntry entry, Azure.ETag etag, CancellationToken ct)
    {
        if (!await store.SaveAsync(entry, etag, ct).ConfigureAwait(false))
        {
            throw new ExperimentConflictException($"experiment '{entry.Design.Id}' was changed meanwhile; read it again");
        }

        cache = null;
    }

    private static string Name(ExperimentState state) => state.ToString().ToLowerInvariant();

    private sealed record Snapshot(
        IReadOnlyList<ExperimentEntry> All, IReadOnlyList<(ExperimentEntry Entry, IReadOnlyDictionary<string, string> Arms)> Running, DateTimeOffset ReadAt);

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Experiment {Experiment}: guardrail stopped arm {Arm}: {Reason}")]
        public static partial void GuardrailStopped(ILogger logger, string experiment, string arm, string reason);

        [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Experiment {Experiment}: arm {Arm} promoted by {By}; playbook {Playbook} now dunns its population")]
        public static partial void Promoted(ILogger logger, string experiment, string arm, string playbook, string by);
    }
}
