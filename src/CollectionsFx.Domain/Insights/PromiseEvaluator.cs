using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Insights;

/// <summary>Decides a promise's outcome from the payments on its invoices (DOMAIN.md §4).</summary>
public static class PromiseEvaluator
{
    /// <summary>
    /// The promise's state on <paramref name="today"/>: Withdrawn stays Withdrawn; Open until the promised date +
    /// tolerance has passed; then Kept (paid at least the promised amount between the day the promise was made and
    /// that deadline), PartiallyKept (something, less than promised) or Broken (nothing).
    /// </summary>
    public static PromiseState Evaluate(ArPromise promise, Func<string, ArInvoice?> invoice, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(promise);
        ArgumentNullException.ThrowIfNull(invoice);
        if (promise.Withdrawn)
        {
            return PromiseState.Withdrawn;
        }

        if (today <= promise.Deadline)
        {
            return PromiseState.Open;
        }

        var paid = PaidToward(promise, invoice);
        return paid >= promise.Amount ? PromiseState.Kept : paid > 0 ? PromiseState.PartiallyKept : PromiseState.Broken;
    }

    /// <summary>What was paid on the promise's invoices from the day it was made until its deadline, in the invoices' currency.</summary>
    public static decimal PaidToward(ArPromise promise, Func<string, ArInvoice?> invoice)
    {
        ArgumentNullException.ThrowIfNull(promise);
        ArgumentNullException.ThrowIfNull(invoice);
        return promise.InvoiceIds.Select(invoice).Sum(i => i?.PaidBetween(promise.MadeOn, promise.Deadline) ?? 0m);
    }

    /// <summary>Each promise the account had made by <paramref name="today"/>, with its state that day.</summary>
    public static IReadOnlyList<(ArPromise Promise, PromiseState State)> States(ArAccount account, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(account);
        var byId = account.Invoices.ToDictionary(i => i.Id, StringComparer.Ordinal);
        return [.. account.Promises.Where(p => p.MadeOn <= today).Select(p => (p, Evaluate(p, byId.GetValueOrDefault, today)))];
    }

    /// <summary>
    /// The broken promise pattern around <paramref name="promise"/> (DOMAIN.md §4 and §8): another promise of the account broken
    /// within <paramref name="windowDays"/> days of its deadline, when <paramref name="promise"/> itself is broken on
    /// <paramref name="today"/>; null otherwise.
    /// </summary>
    public static ArPromise? BrokenPatternPartner(ArAccount account, ArPromise promise, DateOnly today, int windowDays = 90)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(promise);
        var broken = States(account, today).Where(s => s.State == PromiseState.Broken).Select(s => s.Promise).ToList();
        return broken.Any(p => p.Id == promise.Id)
            ? broken.Where(p => p.Id != promise.Id && Math.Abs(p.Deadline.DayNumber - promise.Deadline.DayNumber) <= windowDays).MaxBy(p => p.Deadline)
            : null;
    }
}
