using System.Globalization;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Money;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;
using nietras.SeparatedValues;

namespace CollectionsFx.Api.Imports;

/// <summary>Dead letters of extract rows: their payload is CSV (header and bad lines), not a CloudEvent.</summary>
public static class CsvDeadLetter
{
    /// <summary>The <see cref="DeadLetter.EventType"/> of such letters.</summary>
    public const string MediaType = "text/csv";
}

/// <summary>Where an import comes from and the version its rows carry when no column says.</summary>
public sealed record ImportSource(string Name, DateTimeOffset AsOf);

/// <summary>A rejected row: its line in the file, the field and why.</summary>
public sealed record RowError(long Line, string Field, string Message);

/// <summary>What an import did.</summary>
public sealed record ImportReport(long Rows, long Imported, long Rejected, long Applied, long Unchanged, long Stale, IReadOnlyList<RowError> Errors, IReadOnlyList<string> DeadLetterIds);

/// <summary>
/// Imports an invoice extract (CSV) into the ledger, streaming: rows are read, mapped and committed in chunks,
/// so memory stays flat whatever the file size. A cleared date produces the clearing payment, so a historical
/// extract becomes a complete event log. Bad rows are reported with their line and reason, dead-lettered (one
/// dead letter per chunk, holding the header and the bad lines), and do not stop the import.
/// </summary>
public sealed class InvoiceImporter(ILedgerStore ledger, IDeadLetterStore deadLetters)
{
    /// <summary>Rows per commit chunk.</summary>
    public const int ChunkRows = 25_000;

    private const int MaxReportedErrors = 1_000;

    /// <summary>Imports <paramref name="csv"/>; <paramref name="progress"/> receives bytes read so far.</summary>
    public async Task<ImportReport> ImportAsync(Stream csv, ImportMapping mapping, ImportSource source, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(source);
        var options = new SepReaderOptions(mapping.Separator is { } sep ? new Sep(sep) : null) { Unescape = true, DisableColCountCheck = true };
        using var reader = options.From(csv);
        var header = reader.Header;
        var missing = mapping.Columns.Where(c => !header.ColNames.Contains(c.Value.Column)).Select(c => $"'{c.Value.Column}' (for {c.Key})").ToList();
        if (missing.Count > 0)
        {
            throw new FormatException($"The file has no column {string.Join(", ", missing)}. Its columns: {string.Join(", ", header.ColNames)}.");
        }

        var rowMapper = new RowMapper(mapping, header.ColNames, source);
        var totals = new Totals();
        var records = new List<LedgerRecord>(ChunkRows * 2);
        var badLines = new List<string>();
        var chunkErrors = new List<RowError>();
        foreach (var row in reader)
        {
            totals.Rows++;
            var line = row.LineNumberFrom;
            var (mapped, errors) = rowMapper.Map(row);
            if (errors.Count > 0)
            {
                totals.Rejected++;
                chunkErrors.AddRange(errors.Select(e => new RowError(line, e.Field, e.Message)));
                badLines.Add(row.Span.ToString());
            }
            else
            {
                totals.Imported++;
                records.AddRange(mapped);
            }

            if (totals.Rows % ChunkRows == 0)
            {
                await FlushAsync(records, badLines, chunkErrors, header.ColNames, source, totals, cancellationToken).ConfigureAwait(false);
                progress?.Report(csv.CanSeek ? csv.Position : totals.Rows);
            }
        }

        await FlushAsync(records, badLines, chunkErrors, header.ColNames, source, totals, cancellationToken).ConfigureAwait(false);
        progress?.Report(csv.CanSeek ? csv.Position : totals.Rows);
        return new ImportReport(totals.Rows, totals.Imported, totals.Rejected, totals.Applied, totals.Unchanged, totals.Stale, totals.Errors, totals.DeadLetters);
    }

    private async Task FlushAsync(List<LedgerRecord> records, List<string> badLines, List<RowError> errors, IReadOnlyList<string> columns, ImportSource source, Totals totals, CancellationToken ct)
    {
        if (records.Count > 0)
        {
            totals.Count(await ledger.CommitByCustomerAsync([.. records.Select(r => new IncomingRecord(r))], ct).ConfigureAwait(false));
            records.Clear();
        }

        if (badLines.Count > 0)
        {
            var id = DeadLetter.NewId(source.AsOf);
            var payload = string.Join('\n', [string.Join(',', columns.Select(Quote)), .. badLines]);
            var fieldErrors = errors.Select(e => new FieldError(string.Create(CultureInfo.InvariantCulture, $"line {e.Line}: {e.Field}"), e.Message)).ToList();
            await deadLetters.AddAsync(new DeadLetter(id, "csv:" + source.Name, source.AsOf, $"Invalid rows in {source.Name}", fieldErrors, null, CsvDeadLetter.MediaType, payload), ct).ConfigureAwait(false);
            totals.DeadLetters.Add(id);
            totals.Errors.AddRange(errors.Take(MaxReportedErrors - totals.Errors.Count));
            badLines.Clear();
            errors.Clear();
        }
    }

    private static string Quote(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal) ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private sealed class Totals
    {
        public long Rows { get; set; }
        public long Imported { get; set; }
        public long Rejected { get; set; }
        public long Applied { get; private set; }
        public long Unchanged { get; private set; }
        public long Stale { get; private set; }
        public List<RowError> Errors { get; } = [];
        public List<string> DeadLetters { get; } = [];

        public void Count(IReadOnlyList<CommitOutcome> outcomes)
        {
            Applied += outcomes.Count(o => o == CommitOutcome.Applied);
            Unchanged += outcomes.Count(o => o == CommitOutcome.Unchanged);
            Stale += outcomes.Count(o => o == CommitOutcome.Stale);
        }
    }
}
