using System.Runtime.CompilerServices;
using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Api.Imports;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Scoring;
using CollectionsFx.Scoring;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Cli;

/// <summary>
/// `cfx model evaluate|train --data FILE --mapping MAP.json` on any historical invoice extract (issue, due and settled dates),
/// read with the same mapping and validation as `cfx import`, in memory (no storage needed).
/// </summary>
internal static class ModelCommand
{
    private const string Usage = "Usage: cfx model evaluate --data FILE --mapping MAP.json --split-date yyyy-MM-dd [--tolerance DAYS] [--currency EUR]\n"
        + "       cfx model train --data FILE --mapping MAP.json --out model.zip [--tolerance DAYS] [--currency EUR]\n"
        + "       cfx model list|rollback [--version V] [--url http://127.0.0.1:7071]   (the registry of a running API)";

    /// <summary>`cfx model list` and `cfx model rollback` against a running API.</summary>
    private static async Task<int> RemoteAsync(string verb, string? version, string url)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        using var response = verb == "list"
            ? await http.GetAsync("api/models").ConfigureAwait(false)
            : await http.PostAsync("api/models/rollback", new StringContent(JsonSerializer.Serialize(new { version }), System.Text.Encoding.UTF8, "application/json")).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(await response.Content.ReadAsStringAsync().ConfigureAwait(false)).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? 0 : 1;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name) => Array.IndexOf(args, name) is var i && i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var verb = args.FirstOrDefault();
        if (verb is "rollback" or "list")
        {
            return await RemoteAsync(verb, Option("--version"), Option("--url") ?? LocalHost.DefaultUrl).ConfigureAwait(false);
        }

        var data = Option("--data");
        var mappingPath = Option("--mapping");
        if (verb is not ("evaluate" or "train") || data is null || mappingPath is null)
        {
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var options = new ScoringOptions { ToleranceDays = int.TryParse(Option("--tolerance"), out var t) ? t : 5 };
        try
        {
            var mapping = ImportMapping.Parse(await File.ReadAllTextAsync(mappingPath).ConfigureAwait(false));
            var store = new MemoryLedgerStore();
            await using (var file = File.OpenRead(data))
            {
                var report = await new InvoiceImporter(store, new NoDeadLetters()).ImportAsync(file, mapping, new ImportSource(Path.GetFileName(data), DateTimeOffset.UnixEpoch)).ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"{data}: {report.Rows} rows, {report.Imported} read, {report.Rejected} rejected" + (report.Errors.Count > 0 ? $" (first: line {report.Errors[0].Line}, {report.Errors[0].Field}: {report.Errors[0].Message})" : string.Empty)).ConfigureAwait(false);
            }

            var book = ArBook.Build(KnownLedger.Of(store.Records), new ExchangeRates(Option("--currency") ?? mapping.Currency ?? "EUR"), BusinessCalendar.Utc);
            if (verb == "evaluate")
            {
                if (!DateOnly.TryParseExact(Option("--split-date"), "yyyy-MM-dd", out var split))
                {
                    await Console.Error.WriteLineAsync("evaluate needs --split-date yyyy-MM-dd (train on invoices issued before it, test on the rest).").ConfigureAwait(false);
                    return 2;
                }

                var evaluation = ModelEvaluation.Evaluate(book, split, options);
                await Console.Error.WriteLineAsync(ModelEvaluation.Table(evaluation)).ConfigureAwait(false);
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(evaluation, new JsonSerializerOptions(ApiJson.Options) { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals })).ConfigureAwait(false);
                return 0;
            }

            var output = Option("--out") ?? "model.zip";
            var (rows, unsettled) = FeatureBuilder.TrainingRows(book, options);
            TimeSplit.EnsureTrainable(rows, "training", "in the extract", unsettled);

            var model = LikelihoodModel.Train(rows.Select(r => ModelInput.From(r.Features, r.OnTime)), Learner.FastTree);
            await using (var file = File.Create(output))
            {
                model.Save(file);
            }

            await Console.Error.WriteLineAsync($"Trained on {rows.Count:N0} settled invoices ({unsettled:N0} without a settled date skipped); saved {output}.").ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is FormatException or IOException or EvaluationDataException or MissingRateException or JsonException)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Keeps what the importer commits, in memory.</summary>
    private sealed class MemoryLedgerStore : ILedgerStore
    {
        private readonly List<LedgerRecord> records = [];

        public IReadOnlyList<LedgerRecord> Records => records;

        public Task<IReadOnlyList<CommitOutcome>> CommitAsync(string customerId, IReadOnlyList<IncomingRecord> items, CancellationToken cancellationToken = default)
        {
            lock (records)
            {
                records.AddRange(items.Select(i => i.Record));
            }

            return Task.FromResult<IReadOnlyList<CommitOutcome>>([.. items.Select(_ => CommitOutcome.Applied)]);
        }

        public Task<Ledger> LoadAsync(string customerId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<LedgerEvent> ReadLogAsync(string? customerId = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<LogTransaction> ReadTransactionsAsync(DateTimeOffset? committedSince = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    /// <summary>Rejected rows are reported on the console; nothing to keep.</summary>
    private sealed class NoDeadLetters : IDeadLetterStore
    {
        public Task<string> AddAsync(DeadLetter letter, CancellationToken cancellationToken = default) => Task.FromResult(DeadLetter.NewId(DateTimeOffset.UtcNow));

        public async IAsyncEnumerable<DeadLetter> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            yield break;
        }

        public Task<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult<DeadLetter?>(null);

        public Task MarkReplayedAsync(string id, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
