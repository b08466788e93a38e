using CollectionsFx.Api.Insights;
using CollectionsFx.Api.Scoring;
using CollectionsFx.Domain.Actions;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Experiments;

namespace CollectionsFx.Api.Experiments;

/// <summary>A request the experiment's state does not allow (starting twice, promoting a stopped arm): a 409 at the edge.</summary>
public sealed class ExperimentConflictException(string message) : Exception(message);

/// <summary>
/// Champion/challenger experiments over the stored entries (issue 8): create (the design checked, its playbooks known),
/// start (the eligible customers of the book today assigned, stratified by their risk band), stop, the result as of today
/// (effects, guardrail, how long), and the playbook a customer is dunned with while an experiment runs.
/// </summary>
public sealed class ExperimentService(ExperimentStore store, PlaybookSet playbooks, InsightsService insights, ScoreCache scores, TimeProvider time)
{
    /// <summary>How long the running experiments' assignments are kept in memory for the dunning cycles' reads.</summary>
    public static readonly TimeSpan AssignmentsMaxAge = TimeSpan.FromSeconds(30);

    private (IReadOnlyList<(ExperimentEntry Entry, IReadOnlyDictionary<string, string> Arms)> Running, DateTimeOffset ReadAt)? running;

    /// <summary>Stores a new draft; the problems (each naming its field) when it cannot run.</summary>
    public async Task<(ExperimentEntry? Entry, IReadOnlyList<(string Field, string Message)> Problems)> CreateAsync(ExperimentDesign design, string by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(design);
        var problems = design.Problems().ToList();
        var known = playbooks.Playbooks.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        problems.AddRange((design.Arms ?? []).Where(a => !string.IsNullOrWhiteSpace(a.PlaybookId) && !known.Contains(a.PlaybookId))
            .Select(a => ("arms.playbookId", $"'{a.PlaybookId}' is not a playbook ({string.Join(", ", known.Order(StringComparer.Ordinal))})")));
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var entry = new ExperimentEntry(design, ExperimentState.Draft, ChangedBy: by, ChangedAt: time.GetUtcNow());
        return await store.CreateAsync(entry, cancellationToken).ConfigureAwait(false) ? (entry, []) : (null, [("id", $"an experiment '{design.Id}' exists")]);
    }

    /// <summary>Starts a draft: assigns the eligible customers (stratified by risk band) and marks it running from today.</summary>
    public async Task<(ExperimentEntry Entry, int Assigned)> StartAsync(string id, string by, CancellationToken cancellationToken)
    {
        var (entry, etag) = await store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException(id);
        if (entry.State != ExperimentState.Draft)
        {
            throw new ExperimentConflictException($"experiment '{id}' is {entry.State.ToString().ToLowerInvariant()}, only a draft can start");
        }

        var today = insights.Today();
        var book = await (await insights.CurrentAsync(cancellationToken).ConfigureAwait(false)).BookAsOfAsync(today).ConfigureAwait(false);
        var (likelihoods, _) = await scores.GetAsync(cancellationToken).ConfigureAwait(false);
        double? Likelihood(string invoiceId) => likelihoods.TryGetValue(invoiceId, out var l) ? l : null;
        var eligible = book.Accounts
            .Select(a => (a.CustomerId, Segment: Enum.TryParse<Segment>(a.Segment, out var s) ? s : Segment.Smb, Band: CustomerSituation.Of(a, today, Likelihood).RiskBand))
            .Where(c => entry.Design.Eligible.Admits(c.Segment, c.Band))
            .Select(c => (c.CustomerId, c.Band)).ToList();
        var assigned = await store.AssignAsync(id, ArmAssignment.AssignAtStart(entry.Design, eligible), cancellationToken).ConfigureAwait(false);
        var started = entry with { State = ExperimentState.Running, StartedOn = today, ChangedBy = by, ChangedAt = time.GetUtcNow() };
        if (!await store.SaveAsync(started, etag, cancellationToken).ConfigureAwait(false))
        {
            throw new ExperimentConflictException($"experiment '{id}' was changed meanwhile; read it again");
        }

        running = null;
        return (started, assigned.Count);
    }

    /// <summary>Stops a running experiment (every customer goes back to the playbook of its segment and band).</summary>
    public async Task<ExperimentEntry> StopAsync(string id, string by, CancellationToken cancellationToken)
    {
        var (entry, etag) = await store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException(id);
        if (entry.State != ExperimentState.Running)
        {
            throw new ExperimentConflictException($"experiment '{id}' is {entry.State.ToString().ToLowerInvariant()}, only a running one can stop");
        }

        var stopped = entry with { State = ExperimentState.Stopped, EndedOn = insights.Today(), ChangedBy = by, ChangedAt = time.GetUtcNow() };
        if (!await store.SaveAsync(stopped, etag, cancellationToken).ConfigureAwait(false))
        {
            throw new ExperimentConflictException($"experiment '{id}' was changed meanwhile; read it again");
        }

        running = null;
        return stopped;
    }

    /// <summary>The experiment's result as of today (or its end), null when it never started.</summary>
    public async Task<ExperimentResult?> ResultAsync(string id, CancellationToken cancellationToken)
    {
        var (entry, _) = await store.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new KeyNotFoundException(id);
        if (entry.StartedOn is not { } from)
        {
            return null;
        }

        var asOf = entry.EndedOn ?? insights.Today();
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var book = await snapshot.BookAsOfAsync(asOf).ConfigureAwait(false);
        var assignments = await store.AssignmentsAsync(id, cancellationToken).ConfigureAwait(false);
        return ExperimentAnalysis.Analyse(entry.Design, assignments, book.Accounts, from, asOf, snapshot.Costs);
    }

    /// <summary>
    /// The playbook <paramref name="customerId"/> is dunned with while a running experiment holds it (its arm's, or the
    /// champion's when the guardrail stopped its arm); null when no experiment does (the playbook of its segment and band).
    /// </summary>
    public async Task<Playbook?> PlaybookForAsync(string customerId, CancellationToken cancellationToken)
    {
        if (running is not { } cached || time.GetUtcNow() - cached.ReadAt > AssignmentsMaxAge)
        {
            var list = new List<(ExperimentEntry, IReadOnlyDictionary<string, string>)>();
            foreach (var entry in (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Where(e => e.State == ExperimentState.Running))
            {
                list.Add((entry, await store.AssignmentsAsync(entry.Design.Id, cancellationToken).ConfigureAwait(false)));
            }

            cached = (list, time.GetUtcNow());
            running = cached;
        }

        foreach (var (entry, arms) in cached.Running)
        {
            if (arms.TryGetValue(customerId, out var arm))
            {
                var chosen = entry.StoppedArms?.Contains(arm, StringComparer.Ordinal) == true ? entry.Design.ChampionArm : arm;
                var playbookId = entry.Design.Arms.First(a => a.Id == chosen).PlaybookId;
                return playbooks.Playbooks.FirstOrDefault(p => p.Id == playbookId);
            }
        }

        return null;
    }
}
