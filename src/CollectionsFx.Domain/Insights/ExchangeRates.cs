using System.Globalization;

namespace CollectionsFx.Domain.Insights;

/// <summary>One published rate: 1 unit of <see cref="Currency"/> is worth <see cref="Rate"/> units of the reporting currency.</summary>
public sealed record ExchangeRate(DateOnly Date, string Currency, decimal Rate);

/// <summary>A rate that the table does not have: named by currency and date, never replaced by 1.0.</summary>
public sealed class MissingRateException(string currency, DateOnly date, string reportingCurrency)
    : InvalidOperationException($"No exchange rate {currency}->{reportingCurrency} for {date:yyyy-MM-dd} (nor in the {ExchangeRates.LookbackDays} days before it).")
{
    /// <summary>The currency without a rate.</summary>
    public string Currency { get; } = currency;

    /// <summary>The date that needed the rate.</summary>
    public DateOnly Date { get; } = date;
}

/// <summary>
/// Daily rates into the reporting currency. A date without a published rate (weekend, holiday) uses the
/// last rate published before it, at most <see cref="LookbackDays"/> days back, as central banks' daily
/// reference rates are read; anything older is a <see cref="MissingRateException"/>.
/// </summary>
public sealed class ExchangeRates
{
    /// <summary>How far back a date may borrow the last published rate.</summary>
    public const int LookbackDays = 7;

    private readonly Dictionary<string, SortedList<DateOnly, decimal>> byCurrency = new(StringComparer.Ordinal);

    /// <summary>Creates a table for <paramref name="reportingCurrency"/> from <paramref name="rates"/>.</summary>
    public ExchangeRates(string reportingCurrency, IEnumerable<ExchangeRate>? rates = null)
    {
        ReportingCurrency = reportingCurrency ?? throw new ArgumentNullException(nameof(reportingCurrency));
        foreach (var r in rates ?? [])
        {
            if (r.Rate <= 0)
            {
                throw new ArgumentException($"Rate {r.Currency} on {r.Date:yyyy-MM-dd} must be positive.", nameof(rates));
            }

            if (!byCurrency.TryGetValue(r.Currency, out var list))
            {
                byCurrency[r.Currency] = list = [];
            }

            list[r.Date] = r.Rate;
        }
    }

    /// <summary>The currency every KPI is reported in.</summary>
    public string ReportingCurrency { get; }

    /// <summary>Number of rates held.</summary>
    public int Count => byCurrency.Values.Sum(l => l.Count);

    /// <summary>The rate of <paramref name="currency"/> on <paramref name="date"/>; 1 for the reporting currency itself.</summary>
    public decimal RateOn(string currency, DateOnly date)
    {
        if (string.Equals(currency, ReportingCurrency, StringComparison.Ordinal))
        {
            return 1m;
        }

        if (byCurrency.TryGetValue(currency, out var list))
        {
            var keys = list.Keys;
            int lo = 0, hi = keys.Count - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (keys[mid] <= date)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            if (found >= 0 && keys[found].DayNumber >= date.DayNumber - LookbackDays)
            {
                return list.Values[found];
            }
        }

        throw new MissingRateException(currency, date, ReportingCurrency);
    }

    /// <summary>Converts <paramref name="amount"/> of <paramref name="currency"/> at the rate of <paramref name="date"/>.</summary>
    public decimal Convert(decimal amount, string currency, DateOnly date) => amount * RateOn(currency, date);

    /// <summary>
    /// Reads a CSV of daily rates with the header <c>date,currency,rate</c> (ISO dates, invariant decimals; the
    /// rate is reporting-currency units per currency unit). Errors name the line.
    /// </summary>
    public static ExchangeRates ParseCsv(string reportingCurrency, TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine() ?? throw new FormatException("Rates CSV is empty: expected the header 'date,currency,rate'.");
        var columns = header.Split(',').Select(c => c.Trim().ToLowerInvariant()).ToList();
        int date = columns.IndexOf("date"), currency = columns.IndexOf("currency"), rate = columns.IndexOf("rate");
        if (date < 0 || currency < 0 || rate < 0)
        {
            throw new FormatException($"Rates CSV line 1: expected the columns date, currency and rate; found '{header}'.");
        }

        var rates = new List<ExchangeRate>();
        var lineNo = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = line.Split(',');
            if (cells.Length < columns.Count)
            {
                throw new FormatException($"Rates CSV line {lineNo}: expected {columns.Count} cells, found {cells.Length}.");
            }

            if (!DateOnly.TryParseExact(cells[date].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                throw new FormatException($"Rates CSV line {lineNo}: date '{cells[date]}' is not yyyy-MM-dd.");
            }

            var code = cells[currency].Trim();
            if (!Money.Iso4217.IsValid(code))
            {
                throw new FormatException($"Rates CSV line {lineNo}: currency '{code}' is not an ISO 4217 code.");
            }

            if (!decimal.TryParse(cells[rate].Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var r) || r <= 0)
            {
                throw new FormatException($"Rates CSV line {lineNo}: rate '{cells[rate]}' is not a positive number.");
            }

            rates.Add(new ExchangeRate(d, code, r));
        }

        return new ExchangeRates(reportingCurrency, rates);
    }
}
