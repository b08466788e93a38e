using System.Globalization;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Money;
using CollectionsFx.Storage.Blobs;
using nietras.SeparatedValues;

namespace CollectionsFx.Api.Imports;

/// <summary>Maps one extract row to its ledger records (customer once, invoice, clearing payment), or to field errors.</summary>
internal sealed class RowMapper
{
    /// <summary>Longest id or name a row may hold (the webhook's limit).</summary>
    public const int MaxTextLength = 200;

    /// <summary>A cell's text as an error message quotes it: at most 60 characters.</summary>
    private static string Clip(string value) => value.Length <= 60 ? value : value[..57] + "...";

    private readonly ImportMapping mapping;
    private readonly ImportSource source;
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    private readonly (string Name, int Index)[] attributes;
    private readonly HashSet<string> customersSeen = new(StringComparer.Ordinal);
    private readonly string resource;

    public RowMapper(ImportMapping mapping, IReadOnlyList<string> columns, ImportSource source)
    {
        this.mapping = mapping;
        this.source = source;
        resource = "import:" + source.Name;
        foreach (var (field, column) in mapping.Columns)
        {
            index[field] = columns.ToList().IndexOf(column.Column);
        }

        var mapped = mapping.Columns.Values.Select(c => c.Column).ToHashSet(StringComparer.Ordinal);
        attributes = [.. columns.Select((name, i) => (name, i)).Where(c => !mapped.Contains(c.name))];
    }

    public (IReadOnlyList<LedgerRecord> Records, IReadOnlyList<FieldError> Errors) Map(SepReader.Row row)
    {
        var errors = new List<FieldError>();
        var texts = new Dictionary<string, string>(index.Count, StringComparer.Ordinal);
        foreach (var (field, column) in index)
        {
            texts[field] = column < row.ColCount ? row[column].ToString().Trim() : string.Empty;
        }

        string Text(string field) => texts.GetValueOrDefault(field, string.Empty);
        void Fail(string field, string message) => errors.Add(new FieldError($"{field} (column '{mapping.Columns[field].Column}')", message));

        string Required(string field)
        {
            var value = Text(field);
            if (value.Length == 0)
            {
                Fail(field, "is required");
            }
            else if (value.Length > MaxTextLength)
            {
                // As the webhook's limit: an id this long cannot be a table key (and no ERP has one).
                Fail(field, $"must be at most {MaxTextLength} characters");
            }

            return value;
        }

        DateOnly? Date(string field, bool required)
        {
            var value = required ? Required(field) : Text(field);
            if (value.Length == 0)
            {
                return null;
            }

            var format = mapping.Columns[field].Format ?? mapping.DateFormat;
            if (DateOnly.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && Http.QueryReader.InRange(d))
            {
                return d;
            }

            // A date like 9999-12-31 would break every KPI of the book that holds it (date arithmetic overflows), as on the webhook.
            Fail(field, $"'{Clip(value)}' is not a date as {format} from {Http.QueryReader.MinDate:yyyy-MM-dd} to {Http.QueryReader.MaxDate:yyyy-MM-dd}");
            return null;
        }

        decimal? Amount(string field, bool required)
        {
            var value = required ? Required(field) : Text(field);
            if (value.Length == 0)
            {
                return null;
            }

            var normalised = mapping.ThousandsSeparator is { } t ? value.Replace(t.ToString(), string.Empty, StringComparison.Ordinal) : value;
            normalised = mapping.DecimalSeparator == ',' ? normalised.Replace(',', '.') : normalised;
            if (!decimal.TryParse(normalised, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                Fail(field, $"'{Clip(value)}' is not an amount (decimal separator '{mapping.DecimalSeparator}')");
                return null;
            }

            if (amount < 0)
            {
                Fail(field, "must not be negative");
                return null;
            }

            return amount;
        }

        bool Flag(string field)
        {
            if (!mapping.Columns.TryGetValue(field, out var column))
            {
                return false;
            }

            var value = Text(field);
            var trueWords = column.TrueWords ?? ["true", "yes", "y", "1", "x"];
            var falseWords = column.FalseWords ?? ["false", "no", "n", "0", ""];
            if (trueWords.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }

            if (!falseWords.Contains(value, StringComparer.OrdinalIgnoreCase) && value.Length > 0)
            {
                Fail(field, $"'{Clip(value)}' is neither of {string.Join("/", trueWords)} nor of {string.Join("/", falseWords)}");
            }

            return false;
        }

        var invoiceId = Required("invoiceId");
        var customerId = Required("customerId");
        var issue = Date("issueDate", required: true);
        var due = Date("dueDate", required: true);
        var amount = Amount("amount", required: true);
        var currency = index.ContainsKey("currency") ? Required("currency") : mapping.Currency!;
        if (currency.Length > 0 && !Iso4217.IsValid(currency))
        {
            errors.Add(new FieldError(index.ContainsKey("currency") ? $"currency (column '{mapping.Columns["currency"].Column}')" : "currency (mapping default)", $"'{currency}' is not an ISO 4217 currency code"));
        }

        if (issue is { } i && due is { } d && d < i)
        {
            Fail("dueDate", "must not be before issueDate");
        }

        var cleared = Date("clearedDate", required: false);
        var clearedAmount = index.ContainsKey("clearedAmount") ? Amount("clearedAmount", required: false) : null;
        var paperless = Flag("paperless");
        var cancelled = Flag("cancelled");
        var writtenOff = Flag("writtenOff");
        var version = Version(Text("version"), errors);
        if (Text("customerName").Length > MaxTextLength)
        {
            Fail("customerName", $"must be at most {MaxTextLength} characters");
        }

        if (errors.Count > 0)
        {
            return ([], errors);
        }

        var records = new List<LedgerRecord>(3);
        var changedAt = new DateTimeOffset(issue!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (index.ContainsKey("customerName") && customersSeen.Add(customerId) && Text("customerName") is { Length: > 0 } name)
        {
            var country = index.ContainsKey("country") ? Text("country") : mapping.Country ?? "ZZ";
            records.Add(new CustomerRecord
            {
                Id = customerId, CustomerId = customerId, Version = version, ChangedAt = changedAt, Resource = resource,
                Name = name, Country = country.Length == 2 ? country.ToUpperInvariant() : "ZZ", Currency = currency,
            });
        }

        records.Add(new InvoiceRecord
        {
            Id = invoiceId, CustomerId = customerId, Version = version, ChangedAt = changedAt, Resource = resource,
            IssueDate = issue.Value, DueDate = due!.Value, Amount = amount!.Value, Currency = currency,
            Paperless = paperless, Cancelled = cancelled, WrittenOff = writtenOff, Attributes = Attributes(row),
        });

        if (cleared is { } on)
        {
            var paid = clearedAmount ?? amount.Value;
            records.Add(new PaymentRecord
            {
                Id = "CLR-" + invoiceId, CustomerId = customerId, Version = version, Resource = resource,
                ChangedAt = new DateTimeOffset(on.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero),
                ValueDate = on, Amount = paid, Currency = currency,
                Allocations = paid > 0 ? [new Allocation(invoiceId, Math.Min(paid, amount.Value))] : [],
            });
        }

        return (records, errors);
    }

    private long Version(string value, List<FieldError> errors)
    {
        if (value.Length == 0)
        {
            return source.AsOf.UtcTicks;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        var format = mapping.Columns["version"].Format;
        if (format is not null && DateTimeOffset.TryParseExact(value, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            return t.UtcTicks;
        }

        errors.Add(new FieldError($"version (column '{mapping.Columns["version"].Column}')", $"'{Clip(value)}' is neither a whole number nor a date-time as {format ?? "(no format)"}"));
        return 0;
    }

    private Dictionary<string, string>? Attributes(SepReader.Row row)
    {
        Dictionary<string, string>? result = null;
        foreach (var (name, i) in attributes)
        {
            if (i < row.ColCount && row[i].ToString().Trim() is { Length: > 0 } value)
            {
                (result ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;
            }
        }

        return result;
    }
}
