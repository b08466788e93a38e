using System.Globalization;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;

namespace CollectionsFx.Cli.Demo;

/// <summary>How big and which company to make.</summary>
public sealed record DemoOptions(int Customers = 300, int Months = 24, int Seed = 42)
{
    /// <summary>
    /// Days added to when a customer pays an invoice due on a date (negative: earlier), for simulations with a known effect
    /// (an experiment's challenger arm). It draws no random numbers itself, but a payment moved across a threshold takes
    /// other branches (a promise, a reminder) that do: arms are compared within one generated company, never across two.
    /// </summary>
    public Func<string, DateOnly, int>? PaymentShift { get; init; }
}

/// <summary>One CloudEvent of the demo, before it is signed and sent.</summary>
public sealed record DemoEvent(string Source, string Type, string Id, DateTimeOffset Time, JsonObject Data);

/// <summary>Payment behaviour of a demo customer.</summary>
public enum Behaviour
{
    Punctual,
    SlowPayer,
    Seasonal,
    ChronicDisputer,
    PromiseBreaker,
    Deteriorating,
}

/// <summary>
/// A realistic AR history, deterministic for a seed: customers in three segments, countries and currencies,
/// payment terms, behaviour profiles, partial and grouped payments, unapplied cash, credit notes, disputes,
/// promises to pay and CRM contacts. Everything up to <c>today</c>; later invoices stay open.
/// </summary>
public sealed class DemoCompany
{
    private static readonly (string Country, string Currency, string Suffix, int Weight)[] Countries =
    [
        ("DE", "EUR", "GmbH", 25), ("FR", "EUR", "SAS", 12), ("NL", "EUR", "B.V.", 8), ("IT", "EUR", "S.r.l.", 6), ("ES", "EUR", "S.L.", 5),
        ("US", "USD", "Inc.", 28), ("GB", "GBP", "Ltd", 16),
    ];

    private static readonly string[] Syllables = ["ac", "me", "no", "va", "tri", "lex", "or", "bis", "qua", "zen", "tor", "sol", "mar", "ion", "del", "ka"];
    private static readonly string[] Trades = ["Logistics", "Foods", "Systems", "Retail", "Pharma", "Motors", "Textiles", "Energy", "Labs", "Components"];
    private static readonly string[] Collectors = ["alice", "bob", "chen", "dana", "emil", "fatima"];
    private static readonly string[] DisputeReasons = ["PRICE", "QUANTITY", "QUALITY", "DELIVERY", "DUPLICATE", "TERMS"];

    private readonly Random rng;
    private readonly DemoOptions options;
    private readonly DateOnly today;
    private readonly DateOnly start;
    private readonly List<DemoEvent> events = [];
    private int eventCounter;

    private DemoCompany(DemoOptions options, DateOnly today)
    {
        this.options = options;
        this.today = today;
        rng = new Random(options.Seed);
        start = new DateOnly(today.Year, today.Month, 1).AddMonths(-options.Months);
    }

    /// <summary>All events of the company's history, ordered by time.</summary>
    public static IReadOnlyList<DemoEvent> Generate(DemoOptions options, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(options);
        var company = new DemoCompany(options, today);
        for (var c = 1; c <= options.Customers; c++)
        {
            company.Customer(c);
        }

        return [.. company.events.OrderBy(e => e.Time).ThenBy(e => e.Id, StringComparer.Ordinal)];
    }

    private void Customer(int n)
    {
        var id = $"CUST-{n:D4}";
        var (country, currency, suffix, _) = Pick(Countries, c => c.Weight);
        var segment = rng.NextDouble() switch { < 0.1 => "strategic", < 0.4 => "midMarket", _ => "smb" };
        var terms = segment switch
        {
            "strategic" => rng.Next(2) == 0 ? 60 : 45,
            "midMarket" => rng.Next(2) == 0 ? 30 : 45,
            _ => rng.Next(3) == 0 ? 14 : 30,
        };
        var behaviour = (Behaviour)Pick(Enumerable.Range(0, 6).ToArray(), i => i == 0 ? 40 : 12);
        var name = $"{Capitalise(Syllables[rng.Next(Syllables.Length)] + Syllables[rng.Next(Syllables.Length)])} {Trades[rng.Next(Trades.Length)]} {suffix}";
        var (mu, rate) = segment switch { "strategic" => (9.6, 8.0), "midMarket" => (8.3, 4.0), _ => (6.6, 3.0) };

        Add("erp", EventTypes.Customer, At(start.AddDays(-1)), new JsonObject
        {
            ["customerId"] = id, ["name"] = name, ["country"] = country, ["currency"] = currency, ["segment"] = segment,
            ["paymentTermsDays"] = terms, ["creditLimit"] = Math.Round((decimal)Math.Exp(mu) * (decimal)rate * 3 / 1000m) * 1000m,
            ["collector"] = Collectors[n % Collectors.Length], ["email"] = $"ap@{id.ToLowerInvariant()}.example",
            ["crmAccountId"] = $"ACC-{n:D5}",
        });

        var installments = new List<(string Invoice, DateOnly Date, decimal Amount)>();
        var invoiceNo = 0;
        for (var m = 0; m < options.Months + 1; m++)
        {
            var monthStart = start.AddMonths(m);
            for (var k = Poisson(rate); k > 0; k--)
            {
                var issue = monthStart.AddDays(rng.Next(28));
                if (issue > today)
                {
                    continue;
                }

                var invoiceId = $"INV-{n:D4}-{++invoiceNo:D4}";
                var amount = Math.Round((decimal)Math.Exp(mu + (Normal() * 0.6)), 2);
                Invoice(id, invoiceId, issue, terms, amount, currency, behaviour, (double)m / options.Months, installments);
            }
        }

        Payments(id, currency, segment, installments);
    }

    private void Invoice(string customer, string invoiceId, DateOnly issue, int terms, decimal amount, string currency, Behaviour behaviour, double progress, List<(string, DateOnly, decimal)> installments)
    {
        var due = issue.AddDays(terms);
        Add("erp", EventTypes.Invoice, At(issue), new JsonObject
        {
            ["invoiceId"] = invoiceId, ["customerId"] = customer, ["issueDate"] = Date(issue), ["dueDate"] = Date(due),
            ["amount"] = amount, ["currency"] = currency, ["paperless"] = rng.NextDouble() < 0.7,
        });

        var late = behaviour switch
        {
            Behaviour.Punctual => Normal(-2, 3),
            Behaviour.SlowPayer => Normal(25, 10),
            Behaviour.Seasonal => issue.Month is 7 or 8 or 12 ? Normal(30, 10) : Normal(2, 4),
            Behaviour.ChronicDisputer => Normal(8, 8),
            Behaviour.PromiseBreaker => Normal(20, 15),
            _ => Normal(-1 + (40 * progress), 6),
        };
        late += options.PaymentShift?.Invoke(customer, due) ?? 0;
        var payDate = due.AddDays(Math.Max(-terms + 1, (int)Math.Round(late)));
        var open = amount;

        if (rng.NextDouble() < 0.03)
        {
            var credit = Math.Round(amount * (decimal)(0.05 + (rng.NextDouble() * 0.3)), 2);
            CreditNote(customer, invoiceId, issue.AddDays(10), credit, currency);
            open -= credit;
        }

        var disputeChance = behaviour == Behaviour.ChronicDisputer ? 0.2 : 0.02;
        if (rng.NextDouble() < disputeChance)
        {
            payDate = Dispute(customer, invoiceId, issue, amount, currency, payDate, ref open);
        }

        if (payDate > due.AddDays(10) && rng.NextDouble() < (behaviour == Behaviour.PromiseBreaker ? 0.8 : 0.35))
        {
            Promise(customer, invoiceId, due, open, currency, payDate, behaviour == Behaviour.PromiseBreaker);
        }

        if (payDate > due.AddDays(5))
        {
            Contact(customer, invoiceId, due.AddDays(7));
        }

        DunningNotices(customer, invoiceId, due, payDate);

        if (rng.NextDouble() < 0.01 && issue < today.AddMonths(-6))
        {
            return; // bad debt: never paid
        }

        if (rng.NextDouble() < 0.12)
        {
            var first = Math.Round(open * (decimal)(0.3 + (rng.NextDouble() * 0.4)), 2);
            installments.Add((invoiceId, payDate.AddDays(-15), first));
            open -= first;
        }

        installments.Add((invoiceId, payDate, open));
    }

    private DateOnly Dispute(string customer, string invoiceId, DateOnly issue, decimal amount, string currency, DateOnly payDate, ref decimal open)
    {
        var disputeId = "DSP-" + invoiceId[4..];
        var opened = issue.AddDays(rng.Next(5, 20));
        if (opened > today)
        {
            return payDate; // not disputed yet
        }

        var reason = DisputeReasons[rng.Next(DisputeReasons.Length)];
        var data = new JsonObject { ["disputeId"] = disputeId, ["customerId"] = customer, ["invoiceId"] = invoiceId, ["reasonCode"] = reason, ["openedOn"] = Date(opened) };
        Add("crm", EventTypes.DisputeOpened, At(opened), data);
        var resolved = opened.AddDays(rng.Next(10, 45));
        if (resolved > today)
        {
            return DateOnly.MaxValue; // still disputed: unpaid
        }

        var creditNote = rng.NextDouble() < 0.4;
        var resolution = (JsonObject)data.DeepClone();
        resolution["resolvedOn"] = Date(resolved);
        resolution["outcome"] = creditNote ? "creditNote" : "rejected";
        Add("crm", EventTypes.DisputeResolved, At(resolved), resolution);
        if (creditNote)
        {
            var credit = Math.Round(amount * (decimal)(0.1 + (rng.NextDouble() * 0.4)), 2);
            CreditNote(customer, invoiceId, resolved, credit, currency);
            open -= credit;
        }

        return payDate > resolved ? payDate : resolved.AddDays(rng.Next(3, 15));
    }

    private void Promise(string customer, string invoiceId, DateOnly due, decimal open, string currency, DateOnly payDate, bool breaker)
    {
        var recorded = due.AddDays(5);
        if (recorded > today)
        {
            return;
        }

        var unpaid = payDate > today;
        var promised = unpaid ? recorded.AddDays(rng.Next(5, 20))
            : breaker ? payDate.AddDays(-rng.Next(5, 20)) : payDate.AddDays(-rng.Next(0, 3));
        if (promised <= recorded)
        {
            promised = recorded.AddDays(3);
        }

        var data = new JsonObject
        {
            ["promiseId"] = "PTP-" + invoiceId[4..], ["customerId"] = customer, ["invoiceIds"] = new JsonArray(invoiceId),
            ["promisedDate"] = Date(promised), ["amount"] = Math.Max(open, 0.01m), ["currency"] = currency, ["toleranceDays"] = 2,
        };
        Add("crm", EventTypes.PromiseRecorded, At(recorded), data);
        var evaluated = promised.AddDays(3);
        if (evaluated <= today)
        {
            var outcome = (JsonObject)data.DeepClone();
            outcome["state"] = !unpaid && payDate <= promised.AddDays(2) ? "kept" : "broken";
            Add("crm", EventTypes.PromiseRecorded, At(evaluated), outcome);
        }
    }

    private void Contact(string customer, string invoiceId, DateOnly on)
    {
        if (on > today)
        {
            return;
        }

        Add("crm", EventTypes.ContactLogged, At(on).AddHours(rng.Next(8)), new JsonObject
        {
            ["actionId"] = "ACT-" + invoiceId[4..], ["customerId"] = customer, ["invoiceId"] = invoiceId,
            ["kind"] = rng.Next(2) == 0 ? "call" : "email", ["occurredAt"] = At(on).ToString("O", CultureInfo.InvariantCulture),
            ["changedBy"] = Collectors[rng.Next(Collectors.Length)],
        });
    }

    /// <summary>The legacy ERP's dunning run: a notice per level while the invoice is unpaid (it does not check for disputes).</summary>
    private void DunningNotices(string customer, string invoiceId, DateOnly due, DateOnly payDate)
    {
        int[] daysAfterDue = [3, 17, 31, 45];
        for (var level = 1; level <= daysAfterDue.Length; level++)
        {
            var on = due.AddDays(daysAfterDue[level - 1]);
            if (on >= payDate || on > today)
            {
                return;
            }

            Add("crm", EventTypes.ContactLogged, At(on).AddHours(6), new JsonObject
            {
                ["actionId"] = $"DUN-{invoiceId[4..]}-{level}", ["customerId"] = customer, ["invoiceId"] = invoiceId,
                ["kind"] = "email", ["occurredAt"] = At(on).AddHours(6).ToString("O", CultureInfo.InvariantCulture),
                ["automated"] = true, ["dunningLevel"] = level, ["changedBy"] = "automation",
            });
        }
    }

    /// <summary>
    /// Daily reference rates into EUR for the demo's currencies on business days from before the first invoice to
    /// <paramref name="today"/> (a seeded random walk), as CSV <c>date,currency,rate</c>.
    /// </summary>
    public static string RatesCsv(DemoOptions options, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rng = new Random(options.Seed + 1);
        var csv = new System.Text.StringBuilder("date,currency,rate\n");
        var usd = 0.92;
        var gbp = 1.17;
        for (var d = new DateOnly(today.Year, today.Month, 1).AddMonths(-options.Months).AddDays(-10); d <= today; d = d.AddDays(1))
        {
            if (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            usd *= 1 + ((rng.NextDouble() - 0.5) * 0.008);
            gbp *= 1 + ((rng.NextDouble() - 0.5) * 0.006);
            csv.Append(CultureInfo.InvariantCulture, $"{d:yyyy-MM-dd},USD,{usd:0.0000}\n{d:yyyy-MM-dd},GBP,{gbp:0.0000}\n");
        }

        return csv.ToString();
    }

    private void CreditNote(string customer, string invoiceId, DateOnly on, decimal amount, string currency)
    {
        if (on > today)
        {
            return;
        }

        Add("erp", EventTypes.CreditNote, At(on), new JsonObject
        {
            ["creditNoteId"] = "CN-" + invoiceId[4..] + "-" + rng.Next(100), ["customerId"] = customer, ["invoiceId"] = invoiceId,
            ["issueDate"] = Date(on), ["amount"] = amount, ["currency"] = currency,
        });
    }

    // Strategic and mid-market customers often pay a week's invoices in one transfer; some pay a little too much.
    private void Payments(string customer, string currency, string segment, List<(string Invoice, DateOnly Date, decimal Amount)> installments)
    {
        var grouped = segment != "smb" && rng.NextDouble() < 0.6;
        var payments = installments
            .Where(i => i.Date <= today && i.Amount > 0)
            .GroupBy(i => grouped ? i.Date.AddDays(-(int)i.Date.DayOfWeek).AddDays(5) : i.Date)
            .SelectMany(g => grouped ? [g.ToList()] : g.Select(i => new List<(string Invoice, DateOnly Date, decimal Amount)> { i }));
        var p = 0;
        foreach (var payment in payments)
        {
            var date = payment.Max(i => i.Date);
            if (date > today)
            {
                continue;
            }

            var allocated = payment.Sum(i => i.Amount);
            var unapplied = rng.NextDouble() < 0.01 ? Math.Round((decimal)rng.Next(1, 500), 2) : 0m;
            Add("erp", EventTypes.Payment, At(date).AddHours(12), new JsonObject
            {
                ["paymentId"] = $"PAY-{customer[5..]}-{++p:D4}", ["customerId"] = customer, ["valueDate"] = Date(date),
                ["amount"] = allocated + unapplied, ["currency"] = currency,
                ["allocations"] = new JsonArray([.. payment.GroupBy(i => i.Invoice).Select(i => (JsonNode)new JsonObject { ["invoiceId"] = i.Key, ["amount"] = i.Sum(x => x.Amount) })]),
            });
        }
    }

    private void Add(string source, string type, DateTimeOffset time, JsonObject data) =>
        events.Add(new DemoEvent(source, type, $"demo-{options.Seed}-{++eventCounter:D7}", time, data));

    private static DateTimeOffset At(DateOnly date) => new(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    private double Normal(double mean = 0, double sd = 1)
    {
        // Box-Muller: enough for demo data.
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return mean + (sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    private int Poisson(double lambda)
    {
        var limit = Math.Exp(-lambda);
        var k = 0;
        for (var p = rng.NextDouble(); p > limit; p *= rng.NextDouble())
        {
            k++;
        }

        return k;
    }

    private T Pick<T>(T[] items, Func<T, int> weight)
    {
        var roll = rng.Next(items.Sum(weight));
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0)
            {
                return item;
            }
        }

        return items[^1];
    }
}
