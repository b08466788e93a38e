using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CollectionsFx.Api.Dunning;
using CollectionsFx.Api.Insights;
using CollectionsFx.Cli;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Mail;
using CollectionsFx.Workflows.Dunning;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace CollectionsFx.Benchmarks;

/// <summary>
/// The daily dunning run for N customers on the local host over Azurite with an SMTP sink in process: every customer has
/// invoices four days overdue, so its first step is one reminder e-mail. Measured: from the bulk start until the sink holds
/// every customer's reminder (orchestrations/s, e-mails/s, duplicates by Message-ID); beside it, in the same run, a plain loop
/// that reads the same views, decides, renders and sends the same reminders without Durable, outbox or ledger, at the same
/// parallelism as the bulk start. Goal: the durable run under 5 minutes. The durable phase stops after --minutes (bounded).
/// </summary>
internal static class DunningBenchmark
{
    public static async Task RunAsync(AzuriteProcess azurite, int customers, int minutes)
    {
        var limit = TimeSpan.FromMinutes(minutes);
        await using var plainSink = new CountingSink();
        await using var durableSink = new CountingSink();
        var (app, _) = await BenchHost.StartAsync(azurite, 'd', new Dictionary<string, string?> { ["Smtp:Port"] = durableSink.Port.ToString(CultureInfo.InvariantCulture) }).ConfigureAwait(false);
        try
        {
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var watch = Stopwatch.StartNew();
            var records = Generate(customers, today);
            await app.Services.GetRequiredService<ILedgerStore>().CommitByCustomerAsync([.. records.Select(r => new IncomingRecord(r))], CancellationToken.None, parallelism: 8).ConfigureAwait(false);
            var insights = app.Services.GetRequiredService<InsightsService>();
            while ((await insights.CurrentAsync(CancellationToken.None).ConfigureAwait(false)).Events.Count < records.Count)
            {
                await insights.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seeded {customers:N0} customers ({records.Count - customers:N0} overdue invoices) and loaded the snapshot in {watch.Elapsed.TotalSeconds:0} s"));

            // The plain loop: the same reads, decision, rendering and SMTP sends, nothing durable.
            var dunning = (DunningService)app.Services.GetRequiredService<IDunningActions>();
            var renderer = app.Services.GetRequiredService<NoticeRenderer>();
            var plainSender = new SmtpEmailSender(Options.Create(new SmtpOptions { Port = plainSink.Port }));
            var ids = records.OfType<CustomerRecord>().Select(c => c.Id).ToList();
            var names = records.OfType<CustomerRecord>().ToDictionary(c => c.Id);
            watch.Restart();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = DunningScheduler.Parallelism }, async (id, ct) =>
            {
                var view = await dunning.LoadViewAsync(id, ct).ConfigureAwait(false);
                var decision = DunningDecider.Decide(view.Playbook, view.Items, new Dictionary<string, int>(), view.Clock.DateOf(DateTime.UtcNow));
                if (decision.Notice is { } notice)
                {
                    var customer = names[id];
                    var text = renderer.Render(notice, new NoticeParties(customer.Name, customer.Collector ?? "AR", "Bench GmbH"), DunningService.Language(customer.Country));
                    await plainSender.SendAsync(new EmailMessage(OutboxStore.MessageIdFor("plain/" + id), "ar@bench.local", null, customer.Email!, text.Subject, text.Html, text.Text), ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            var plainSeconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  plain loop: {plainSink.Distinct:N0} e-mails in {plainSeconds:0.0} s ({plainSink.Distinct / plainSeconds:N0}/s), {plainSink.Received - plainSink.Distinct} duplicates"));

            // The durable run: the bulk start (as DunningScheduler does it: DunningStarter, 8 at a time), then every cycle's first
            // step; starts and first steps overlap, and the whole phase stops at the limit.
            var client = app.Services.GetRequiredService<DurableTaskClient>();
            using var stop = new CancellationTokenSource(limit);
            var started = 0;
            watch.Restart();
            var starting = Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = DunningScheduler.Parallelism, CancellationToken = stop.Token }, async (id, ct) =>
            {
                if ((await DunningStarter.StartAsync(client, id, DateTimeOffset.UtcNow, ct).ConfigureAwait(false)).Started)
                {
                    Interlocked.Increment(ref started);
                }
            });
            var startSeconds = double.NaN;
            var expected = plainSink.Distinct;
            var next = TimeSpan.FromSeconds(30);
            while (durableSink.Distinct < expected && watch.Elapsed < limit)
            {
                await Task.Delay(250).ConfigureAwait(false);
                if (starting.IsCompletedSuccessfully && double.IsNaN(startSeconds))
                {
                    startSeconds = watch.Elapsed.TotalSeconds;
                }

                if (watch.Elapsed >= next)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {watch.Elapsed.TotalSeconds,5:0} s: {Volatile.Read(ref started),6:N0} cycles started, {durableSink.Distinct,6:N0} first steps mailed"));
                    next += TimeSpan.FromSeconds(30);
                }
            }

            var durableSeconds = watch.Elapsed.TotalSeconds;
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await starting.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            var eligible = ids.Count;
            await Task.Delay(3_000).ConfigureAwait(false); // a late duplicate would show up here
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  durable run: {started:N0} of {eligible:N0} cycles started{(double.IsNaN(startSeconds) ? " when it stopped" : $" in {startSeconds:0.0} s ({started / startSeconds:N0} starts/s)")}; {durableSink.Distinct:N0} of {expected:N0} first steps mailed after {durableSeconds:0.0} s ({durableSink.Distinct / durableSeconds:N1} orchestrations/s and e-mails/s); {durableSink.Received - durableSink.Distinct} duplicates"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  durable / plain time = {(durableSink.Distinct == expected ? $"{durableSeconds / plainSeconds:0.0}x" : $"more than {durableSeconds / plainSeconds:0.0}x (stopped at {durableSink.Distinct:N0} of {expected:N0})")} (goal: the durable run under 5 min: {(durableSeconds < 300 && durableSink.Distinct == expected ? "met" : "NOT met")})"));
        }
        finally
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>N mid-market and small customers in Germany, France and the UK, each with one to three invoices due four days ago.</summary>
    private static List<LedgerRecord> Generate(int customers, DateOnly today)
    {
        var rng = new Random(5);
        var records = new List<LedgerRecord>();
        var at = DateTimeOffset.UtcNow.AddDays(-40);
        string[] countries = ["DE", "FR", "GB"];
        for (var c = 0; c < customers; c++)
        {
            var id = "D" + c.ToString("D6", CultureInfo.InvariantCulture);
            records.Add(new CustomerRecord
            {
                Id = id, CustomerId = id, Version = 1, ChangedAt = at, Resource = "erp", Name = "Customer " + id, Country = countries[c % 3], Currency = "EUR",
                Segment = c % 2 == 0 ? Segment.MidMarket : Segment.Smb, Collector = "u" + (c % 12), Email = $"ap@{id.ToLowerInvariant()}.example",
            });
            for (var i = 0; i < 1 + rng.Next(3); i++)
            {
                records.Add(new InvoiceRecord
                {
                    Id = $"{id}-{i}", CustomerId = id, Version = 1, ChangedAt = at, Resource = "erp", IssueDate = today.AddDays(-34), DueDate = today.AddDays(-4),
                    Amount = Math.Round(200m + ((decimal)rng.NextDouble() * 5_000m), 2), Currency = "EUR",
                });
            }
        }

        return records;
    }

    /// <summary>An SMTP server in process that only counts what it receives, by Message-ID.</summary>
    private sealed class CountingSink : IAsyncDisposable
    {
        private readonly Counter counter = new();
        private readonly CancellationTokenSource stop = new();
        private readonly Task server;

        public CountingSink()
        {
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            var provider = new SmtpServer.ComponentModel.ServiceProvider();
            provider.Add(counter);
            server = new SmtpServer.SmtpServer(new SmtpServerOptionsBuilder().ServerName("bench").Port(Port).Build(), provider).StartAsync(stop.Token);
        }

        public int Port { get; }

        public int Received => counter.Received;

        public int Distinct => counter.Ids.Count;

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await server.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            stop.Dispose();
        }

        private sealed class Counter : MessageStore
        {
            private int received;

            public ConcurrentDictionary<string, int> Ids { get; } = new(StringComparer.Ordinal);

            public int Received => Volatile.Read(ref received);

            public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
            {
                var text = Encoding.ASCII.GetString(buffer.ToArray());
                var start = text.IndexOf("Message-Id:", StringComparison.OrdinalIgnoreCase);
                var id = start < 0 ? Guid.NewGuid().ToString() : text[(start + 11)..text.IndexOf('\n', start)].Trim();
                Ids.AddOrUpdate(id, 1, (_, n) => n + 1);
                Interlocked.Increment(ref received);
                return Task.FromResult(SmtpResponse.Ok);
            }
        }
    }
}
