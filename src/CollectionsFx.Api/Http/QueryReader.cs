using System.Globalization;
using CollectionsFx.Storage.Blobs;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Http;

/// <summary>Reads typed query parameters and collects one error per bad parameter (named as sent), for a 400 problem.</summary>
public sealed class QueryReader(HttpRequest request)
{
    private readonly List<FieldError> errors = [];

    public IReadOnlyList<FieldError> Errors => errors;

    /// <summary>A 400 problem naming every bad parameter, or null when all were fine.</summary>
    public IResult? Problem() => errors.Count == 0 ? null
        : Problems.Create(StatusCodes.Status400BadRequest, "Invalid query parameter", string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors);

    public void Fail(string name, string message) => errors.Add(new FieldError(name, message));

    public string? String(string name) => request.Query.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

    /// <summary>Every value of a repeated or comma-separated parameter.</summary>
    public IReadOnlyList<string> List(string name) =>
        request.Query.TryGetValue(name, out var values)
            ? values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : [];

    /// <summary>The earliest date any input may name: older is a typo, and date arithmetic must not leave the calendar.</summary>
    public static readonly DateOnly MinDate = new(1900, 1, 1);

    /// <summary>The latest date any input may name (9999-12-31 would overflow "the day after" in every period and aging).</summary>
    public static readonly DateOnly MaxDate = new(2199, 12, 31);

    /// <summary>Whether <paramref name="date"/> lies in <see cref="MinDate"/> to <see cref="MaxDate"/>.</summary>
    public static bool InRange(DateOnly date) => date >= MinDate && date <= MaxDate;

    public DateOnly? Date(string name)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && InRange(date))
        {
            return date;
        }

        Fail(name, $"'{text}' is not a date (yyyy-MM-dd) from {MinDate:yyyy-MM-dd} to {MaxDate:yyyy-MM-dd}");
        return null;
    }

    public int? Int(string name, int min, int max)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Fail(name, $"'{text}' is not a whole number from {min} to {max}");
        return null;
    }

    public bool Bool(string name, bool fallback = false)
    {
        if (String(name) is not { } text)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Fail(name, $"'{text}' is not true or false");
        return fallback;
    }

    /// <summary>A value of an enum by its name (case-insensitive), listing the allowed names when wrong.</summary>
    public TEnum Enum<TEnum>(string name, TEnum fallback)
        where TEnum : struct, Enum
    {
        if (String(name) is not { } text)
        {
            return fallback;
        }

        if (System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }

        Fail(name, $"'{text}' is not one of: {string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}");
        return fallback;
    }

    /// <summary>One of a fixed set of words.</summary>
    public string OneOf(string name, IReadOnlyCollection<string> allowed, string fallback)
    {
        if (String(name) is not { } text)
        {
            return fallback;
        }

        if (allowed.Contains(text, StringComparer.OrdinalIgnoreCase))
        {
            return allowed.First(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        }

        Fail(name, $"'{text}' is not one of: {string.Join(", ", allowed)}");
        return fallback;
    }
}
