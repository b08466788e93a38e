namespace CollectionsFx.Domain.Dunning;

/// <summary>
/// An open item of a customer as dunning sees it on the decision date: open amount in its currency and in the reporting
/// currency, whether something holds it (an open dispute, an open promise to pay, a block on the invoice), and its promise
/// level (how many promises covering it were broken, DOMAIN.md §4).
/// </summary>
public sealed record DunningItem(
    string InvoiceId, DateOnly DueDate, decimal Open, decimal OpenReporting, string Currency, bool Disputed = false, bool Promised = false, bool Blocked = false, int PromiseLevel = 0);

/// <summary>One invoice on a notice, with the level it reaches by this notice and how many days it is overdue (negative: due in).</summary>
public sealed record NoticeLine(string InvoiceId, DateOnly DueDate, decimal Open, string Currency, int Level, int DaysOverdue);

/// <summary>The one consolidated notice of a step: the step (channel, template, approval), its level, every line and the total (reporting currency).</summary>
public sealed record DunningNotice(PlaybookStep Step, int Level, IReadOnlyList<NoticeLine> Lines, decimal Total);

/// <summary>Why an open item is not on the notice.</summary>
public sealed record SkippedItem(string InvoiceId, string Reason);

/// <summary>
/// What to do on a date: the notice to send (or none, with the reason), the items held back, and the next date worth looking
/// again (null: nothing will fall due by itself; only an event, such as a resolved dispute or a lifted block, changes it).
/// <see cref="Done"/> when the customer has nothing open left to dun: the cycle ends.
/// </summary>
public sealed record DunningDecision(DunningNotice? Notice, string Reason, IReadOnlyList<SkippedItem> Skipped, DateOnly? NextReview, bool Done);

/// <summary>
/// The dunning decision of DOMAIN.md §6, pure. An invoice's target level on a date is the number of steps whose day (due
/// date + step day) has come; a notice is due when some item's target is above the level already sent for it, at the
/// highest such target. An overdue notice lists every overdue item (one notice per customer per step, never one per invoice);
/// a reminder before the due date lists the items it is about, and is sent only while they are not yet due. Paid, disputed, promised and blocked items and snoozed or blocked customers are skipped; a notice below the
/// step's minimum open amount is not sent. An invoice due today is not overdue: day +1 is the first overdue day.
/// </summary>
public static class DunningDecider
{
    public static DunningDecision Decide(
        Playbook playbook, IReadOnlyList<DunningItem> items, IReadOnlyDictionary<string, int> levelsSent, DateOnly today, bool customerBlocked = false, DateOnly? snoozedUntil = null,
        IReadOnlyDictionary<string, int>? promiseLevelsSeen = null)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(levelsSent);
        var open = items.Where(i => i.Open > 0).ToList();
        if (open.Count == 0)
        {
            return new DunningDecision(null, "nothing open: the cycle ends", [], null, Done: true);
        }

        if (customerBlocked)
        {
            return new DunningDecision(null, "dunning block on the customer", [.. open.Select(i => new SkippedItem(i.InvoiceId, "customer blocked"))], null, Done: false);
        }

        if (snoozedUntil is { } snooze && snooze >= today)
        {
            return new DunningDecision(null, $"snoozed until {snooze:yyyy-MM-dd}", [.. open.Select(i => new SkippedItem(i.InvoiceId, "snoozed"))], snooze.AddDays(1), Done: false);
        }

        var skipped = new List<SkippedItem>();
        var eligible = new List<(DunningItem Item, int Target, int Sent)>();
        foreach (var item in open)
        {
            var reason = item.Disputed ? "disputed" : item.Promised ? "promised" : item.Blocked ? "blocked" : null;
            if (reason is not null)
            {
                skipped.Add(new SkippedItem(item.InvoiceId, reason));
                continue;
            }

            var sent = levelsSent.GetValueOrDefault(item.InvoiceId);
            var target = TargetLevel(playbook, item.DueDate, today);
            if (item.PromiseLevel > (promiseLevelsSeen?.GetValueOrDefault(item.InvoiceId) ?? 0) && today > item.DueDate)
            {
                target = Math.Max(target, NextOverdueStep(playbook, sent));
            }

            eligible.Add((item, target, sent));
        }

        var next = NextReview(playbook, eligible.Select(e => (e.Item.DueDate, Math.Max(e.Target, e.Sent))), today);
        // A step before the due date is only worth sending while the invoice is not yet due: one missed until then (say, the
        // invoice arrived late) counts as passed, and an invoice due today gets no courtesy mail.
        var rising = eligible.Where(e => e.Target > e.Sent && (playbook.Steps[e.Target - 1].Day > 0 || today < e.Item.DueDate)).ToList();
        if (rising.Count == 0)
        {
            return new DunningDecision(null, eligible.Count == 0 ? "every open item is held" : "no item reached a new step", skipped, next, Done: false);
        }

        var level = rising.Max(e => e.Target);
        var step = playbook.Steps[level - 1];

        // A reminder before the due date lists the items it is about; an overdue notice lists every overdue item.
        var listed = step.Day < 0 ? rising : [.. eligible.Where(e => e.Target >= 1 && today > e.Item.DueDate)];
        var lines = listed
            .OrderBy(e => e.Item.DueDate).ThenBy(e => e.Item.InvoiceId, StringComparer.Ordinal)
            .Select(e => new NoticeLine(e.Item.InvoiceId, e.Item.DueDate, e.Item.Open, e.Item.Currency, e.Target, today.DayNumber - e.Item.DueDate.DayNumber))
            .ToList();
        var total = listed.Sum(e => e.Item.OpenReporting);
        if (total < step.MinimumOpenAmount)
        {
            return new DunningDecision(null, $"{total:0.00} open is below the minimum of {step.MinimumOpenAmount:0.00} for step {step.Id}", skipped, next, Done: false);
        }

        // After this notice its lines are at their targets: the next review is when the first item reaches its next step, or
        // today again when an item rose that this notice does not list (a courtesy reminder beside an overdue notice).
        var unlisted = rising.Any(r => !listed.Contains(r));
        return new DunningDecision(new DunningNotice(step, level, lines, total), $"step {step.Id} (level {level})", skipped, unlisted ? today : next, Done: false);
    }

    /// <summary>How many steps have come for an invoice due on <paramref name="due"/> by <paramref name="today"/>.</summary>
    public static int TargetLevel(Playbook playbook, DateOnly due, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        return playbook.Steps.Count(s => due.AddDays(s.Day) <= today);
    }

    /// <summary>The first step after level <paramref name="sent"/> that is an overdue step (day after the due date); the last step when none is left.</summary>
    public static int NextOverdueStep(Playbook playbook, int sent)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        for (var level = sent + 1; level <= playbook.Steps.Count; level++)
        {
            if (playbook.Steps[level - 1].Day > 0)
            {
                return level;
            }
        }

        return Math.Min(sent, playbook.Steps.Count);
    }

    /// <summary>The earliest date after today on which one of the items (due date, level already reached) reaches its next step.</summary>
    private static DateOnly? NextReview(Playbook playbook, IEnumerable<(DateOnly Due, int Level)> items, DateOnly today)
    {
        DateOnly? next = null;
        foreach (var (due, level) in items)
        {
            if (level < playbook.Steps.Count)
            {
                var at = due.AddDays(playbook.Steps[level].Day);
                at = at > today ? at : today.AddDays(1);
                next = next is null || at < next ? at : next;
            }
        }

        return next;
    }
}
