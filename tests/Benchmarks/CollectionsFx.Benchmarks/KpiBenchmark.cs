using System.Diagnostics;
using System.Globalization;
using System.Text;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using DuckDB.NET.Data;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// KPIs over 1M invoices (about 5M log events with their payments, clearings and dunning notices): DSO countback and
/// standard, CEI and aging, per customer and in total, by the KPI engine and by DuckDB running the same formulas as SQL
/// on the same data in the same process. Both results are compared number by number before any time is reported.
/// </summary>
internal static class KpiBenchmark
{
    private static readonly DateOnly AsOf = new(2026, 11, 30);

    public static async Task RunAsync(int invoices, int customers, int runs)
    {
        var dir = Path.Combine(Path.GetTempPath(), "cfx-kpi-bench");
        Directory.CreateDirectory(dir);
        var (records, events, payments, notices) = Generate(invoices, customers, dir, seed: 3);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  data: {invoices:N0} invoices, {payments:N0} payments, {notices:N0} dunning notices, {customers:N0} customers: {events:N0} log events"));

        var watch = Stopwatch.StartNew();
        var book = ArBook.Build(KnownLedger.Of(records), new ExchangeRates("EUR"), BusinessCalendar.Utc);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine load (records → AR book): {watch.Elapsed.TotalSeconds:0.00} s"));
        records = [];

        await using var duck = new DuckDBConnection("Data Source=:memory:");
        await duck.OpenAsync().ConfigureAwait(false);
        watch.Restart();
        await ExecAsync(duck, $"CREATE TABLE invoices AS SELECT * FROM read_csv('{dir}/invoices.csv', header = true, columns = {{'id': 'VARCHAR', 'customer': 'VARCHAR', 'issue_date': 'DATE', 'due_date': 'DATE', 'amount': 'DECIMAL(18,2)'}})").ConfigureAwait(false);
        await ExecAsync(duck, $"CREATE TABLE reductions AS SELECT * FROM read_csv('{dir}/reductions.csv', header = true, columns = {{'invoice_id': 'VARCHAR', 'date': 'DATE', 'amount': 'DECIMAL(18,2)'}})").ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  DuckDB load (CSV → tables): {watch.Elapsed.TotalSeconds:0.00} s"));

        var period = KpiPeriod.MonthOf(AsOf);
        var engineRuns = new List<double>();
        var duckRuns = new List<double>();
        KpiReport? byCustomer = null;
        KpiReport? total = null;
        Dictionary<string, double[]>? sql = null;
        for (var run = -1; run < runs; run++)
        {
            // Alternate which goes first, so neither always runs on a warmer machine.
            for (var turn = 0; turn < 2; turn++)
            {
                watch.Restart();
                if ((turn + run) % 2 == 0)
                {
                    byCustomer = KpiCalculator.Report(book, AsOf, period, KpiGroupBy.Customer, CostModel.Default);
                    total = KpiCalculator.Report(book, AsOf, period, KpiGroupBy.None, CostModel.Default);
                    if (run >= 0)
                    {
                        engineRuns.Add(watch.Elapsed.TotalSeconds);
                    }
                }
                else
                {
                    sql = await QueryAsync(duck, "customer").ConfigureAwait(false);
                    foreach (var (k, v) in await QueryAsync(duck, "'all'").ConfigureAwait(false))
                    {
                        sql[k] = v;
                    }

                    if (run >= 0)
                    {
                        duckRuns.Add(watch.Elapsed.TotalSeconds);
                    }
                }
            }
        }

        var compared = Compare(byCustomer!.Groups.Concat(total!.Groups), sql!);
        double Median(List<double> r) => r.Order().ElementAt(r.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  results agree on {compared:N0} groups × 9 values (DSO countback, DSO standard, CEI, total AR, 5 aging buckets)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine: median {Median(engineRuns):0.000} s (runs {string.Join(" / ", engineRuns.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))}) — every KPI of §3, per customer and in total"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  DuckDB: median {Median(duckRuns):0.000} s (runs {string.Join(" / ", duckRuns.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))}) — the 9 values above, per customer and in total"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine / DuckDB = {Median(engineRuns) / Median(duckRuns):0.00} (goal ≤ 1)"));
        Directory.Delete(dir, recursive: true);
    }

    private static async Task ExecAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The same formulas as <see cref="KpiCalculator"/> in SQL: countback over a dense month grid, as the engine walks it.</summary>
    private static async Task<Dictionary<string, double[]>> QueryAsync(DuckDBConnection connection, string groupKey)
    {
        var asOf = AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var start = KpiPeriod.MonthOf(AsOf).Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var sql = $"""
            WITH p AS (SELECT DATE '{asOf}' AS asof, DATE '{start}' AS pstart, (SELECT min(issue_date) FROM invoices) AS first_issue),
            inv AS (SELECT {groupKey} AS g, id, issue_date, due_date, amount FROM invoices, p WHERE issue_date <= p.asof),
            paid AS (SELECT invoice_id,
                        SUM(amount) FILTER (WHERE date <= p.asof) AS paid_end,
                        SUM(amount) FILTER (WHERE date <= p.pstart - 1) AS paid_begin
                     FROM reductions, p GROUP BY invoice_id),
            x AS (SELECT i.g, i.issue_date, i.due_date, i.amount,
                     i.amount - COALESCE(pd.paid_end, 0) AS open_end,
                     CASE WHEN i.issue_date <= p.pstart - 1 THEN i.amount - COALESCE(pd.paid_begin, 0) ELSE 0 END AS open_begin
                  FROM inv i CROSS JOIN p LEFT JOIN paid pd ON pd.invoice_id = i.id),
            ar AS (SELECT g,
                     SUM(open_end) AS total,
                     SUM(CASE WHEN open_end > 0 AND p.asof <= due_date THEN open_end ELSE 0 END) AS current,
                     SUM(CASE WHEN open_end > 0 AND p.asof - due_date BETWEEN 1 AND 30 THEN open_end ELSE 0 END) AS d30,
                     SUM(CASE WHEN open_end > 0 AND p.asof - due_date BETWEEN 31 AND 60 THEN open_end ELSE 0 END) AS d60,
                     SUM(CASE WHEN open_end > 0 AND p.asof - due_date BETWEEN 61 AND 90 THEN open_end ELSE 0 END) AS d90,
                     SUM(CASE WHEN open_end > 0 AND p.asof - due_date > 90 THEN open_end ELSE 0 END) AS d91,
                     SUM(open_begin) AS begin_ar,
                     SUM(CASE WHEN issue_date >= p.pstart THEN amount ELSE 0 END) AS period_sales,
                     SUM(CASE WHEN issue_date >= CAST(date_trunc('month', p.asof) - INTERVAL 2 MONTH AS DATE) THEN amount ELSE 0 END) AS sales3,
                     ANY_VALUE(p.asof - CAST(date_trunc('month', p.asof) - INTERVAL 2 MONTH AS DATE) + 1) AS days3
                   FROM x, p GROUP BY g),
            months AS (SELECT g, CAST(date_trunc('month', issue_date) AS DATE) AS m, SUM(amount) AS s FROM inv GROUP BY ALL),
            grid AS (SELECT gs.g, CAST(unnest(generate_series(date_trunc('month', p.first_issue), date_trunc('month', p.asof), INTERVAL 1 MONTH)) AS DATE) AS m
                     FROM (SELECT DISTINCT g FROM inv) gs, p),
            dense AS (SELECT grid.g, grid.m, COALESCE(months.s, 0) AS s,
                        CASE WHEN grid.m = CAST(date_trunc('month', p.asof) AS DATE) THEN day(p.asof) ELSE day(last_day(grid.m)) END AS days
                      FROM grid LEFT JOIN months USING (g, m), p),
            cum AS (SELECT g, m, s, days,
                      SUM(s) OVER w AS cs, SUM(days) OVER w AS cd
                    FROM dense WINDOW w AS (PARTITION BY g ORDER BY m DESC ROWS UNBOUNDED PRECEDING)),
            hit AS (SELECT cum.*, ROW_NUMBER() OVER (PARTITION BY cum.g ORDER BY cum.m DESC) AS rn
                    FROM cum JOIN ar USING (g) WHERE cum.cs >= ar.total),
            allcd AS (SELECT g, MAX(cd) AS cd FROM cum GROUP BY g)
            SELECT ar.g,
              CASE WHEN ar.total <= 0 THEN 0
                   WHEN h.g IS NULL THEN allcd.cd
                   WHEN h.cs = ar.total THEN h.cd
                   ELSE (h.cd - h.days) + CAST(ar.total - (h.cs - h.s) AS DOUBLE) / CAST(h.s AS DOUBLE) * h.days END AS dso_countback,
              CASE WHEN ar.sales3 > 0 THEN CAST(ar.total AS DOUBLE) / CAST(ar.sales3 AS DOUBLE) * ar.days3 END AS dso_standard,
              CASE WHEN ar.begin_ar + ar.period_sales - ar.current <> 0
                   THEN CAST(ar.begin_ar + ar.period_sales - ar.total AS DOUBLE) / CAST(ar.begin_ar + ar.period_sales - ar.current AS DOUBLE) * 100 END AS cei,
              CAST(ar.total AS DOUBLE), CAST(ar.current AS DOUBLE), CAST(ar.d30 AS DOUBLE), CAST(ar.d60 AS DOUBLE), CAST(ar.d90 AS DOUBLE), CAST(ar.d91 AS DOUBLE)
            FROM ar LEFT JOIN (SELECT * FROM hit WHERE rn = 1) h USING (g) LEFT JOIN allcd USING (g)
            """;
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            var values = new double[9];
            for (var i = 0; i < 9; i++)
            {
                values[i] = reader.IsDBNull(i + 1) ? double.NaN : Convert.ToDouble(reader.GetValue(i + 1), CultureInfo.InvariantCulture);
            }

            result[reader.GetString(0)] = values;
        }

        return result;
    }

    private static int Compare(IEnumerable<KpiGroup> engine, Dictionary<string, double[]> sql)
    {
        var n = 0;
        foreach (var group in engine)
        {
            var v = group.Values;
            var expected = new[]
            {
                (double?)v.DsoCountback, (double?)v.DsoStandard, (double?)v.Cei, (double)v.TotalAr, (double)v.Aging.Current,
                (double)v.Aging.Days1To30, (double)v.Aging.Days31To60, (double)v.Aging.Days61To90, (double)v.Aging.Days91Plus,
            };
            var actual = sql[group.Key];
            for (var i = 0; i < expected.Length; i++)
            {
                var same = expected[i] is { } e ? Math.Abs(e - actual[i]) <= 0.011 : double.IsNaN(actual[i]);
                if (!same)
                {
                    throw new InvalidOperationException($"Group {group.Key}, value {i}: engine {expected[i]}, DuckDB {actual[i]}.");
                }
            }

            n++;
        }

        if (n != sql.Count)
        {
            throw new InvalidOperationException($"Engine has {n} groups, DuckDB {sql.Count}.");
        }

        return n;
    }

    /// <summary>Ledger records plus the same facts as CSV for DuckDB; returns the records and the counts.</summary>
    private static (List<LedgerRecord> Records, long Events, int Payments, int Notices) Generate(int invoices, int customers, string dir, int seed)
    {
        var rng = new Random(seed);
        var records = new List<LedgerRecord>(invoices * 4);
        using var invoiceCsv = new StreamWriter(Path.Combine(dir, "invoices.csv"), false, new UTF8Encoding(false), 1 << 16);
        using var reductionCsv = new StreamWriter(Path.Combine(dir, "reductions.csv"), false, new UTF8Encoding(false), 1 << 16);
        invoiceCsv.Write("id,customer,issue_date,due_date,amount\n");
        reductionCsv.Write("invoice_id,date,amount\n");
        var first = AsOf.AddMonths(-24);
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        long events = 0;
        int payments = 0, notices = 0;
        for (var c = 0; c < customers; c++)
        {
            var customer = "C" + c.ToString("D6", CultureInfo.InvariantCulture);
            records.Add(new CustomerRecord { Id = customer, CustomerId = customer, Version = 1, ChangedAt = at, Resource = "erp", Name = customer, Country = "DE", Currency = "EUR" });
            events++;
            var slowness = rng.Next(0, 40);
            for (var k = 0; k < invoices / customers; k++)
            {
                var id = $"I{c:D6}-{k:D4}";
                var issue = first.AddDays(rng.Next(0, AsOf.DayNumber - first.DayNumber + 1));
                var due = issue.AddDays(30);
                var amount = Math.Round((decimal)(50 + (rng.NextDouble() * 20_000)), 2);
                records.Add(new InvoiceRecord { Id = id, CustomerId = customer, Version = 1, ChangedAt = at, Resource = "erp", IssueDate = issue, DueDate = due, Amount = amount, Currency = "EUR" });
                invoiceCsv.Write(string.Create(CultureInfo.InvariantCulture, $"{id},{customer},{issue:yyyy-MM-dd},{due:yyyy-MM-dd},{amount}\n"));
                events++;
                var payDay = due.AddDays(rng.Next(-20, 20) + slowness);
                var parts = rng.NextDouble() < 0.15 ? 2 : 1;
                var paid = 0m;
                for (var part = 1; part <= parts && payDay <= AsOf; part++)
                {
                    var share = part < parts ? Math.Round(amount * 0.4m, 2) : amount - paid;
                    var date = part < parts ? payDay.AddDays(-10) : payDay;
                    records.Add(new PaymentRecord
                    {
                        Id = $"P{id}-{part}", CustomerId = customer, Version = 1, ChangedAt = at, Resource = "bank", ValueDate = date, Amount = share, Currency = "EUR",
                        Allocations = [new Allocation(id, share)],
                    });
                    reductionCsv.Write(string.Create(CultureInfo.InvariantCulture, $"{id},{date:yyyy-MM-dd},{share}\n"));
                    paid += share;
                    payments++;
                    events += 2; // Receive Payment + Receive Partial Payment / Clear Invoice
                }

                for (var level = 1; level <= 4 && due.AddDays(level * 7) < payDay && due.AddDays(level * 7) <= AsOf; level++)
                {
                    var on = due.AddDays(level * 7);
                    records.Add(new ContactRecord
                    {
                        Id = $"N{id}-{level}", CustomerId = customer, Version = 1, ChangedAt = at, Resource = "automation", ActionKind = ActionKind.Email,
                        InvoiceId = id, OccurredAt = new DateTimeOffset(on.ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero), Automated = true, DunningLevel = level,
                    });
                    notices++;
                    events++;
                }
            }
        }

        return (records, events, payments, notices);
    }
}
