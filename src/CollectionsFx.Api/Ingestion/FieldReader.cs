using System.Globalization;
using System.Text.Json;
using CollectionsFx.Domain.Money;
using CollectionsFx.Storage.Blobs;

namespace CollectionsFx.Api.Ingestion;

/// <summary>Reads typed fields from a JSON object and collects one clear error per bad field (named by its path).</summary>
internal sealed class FieldReader(JsonElement obj, string path)
{
    private readonly List<FieldError> errors = [];

    public IReadOnlyList<FieldError> Errors => errors;

    public void Fail(string field, string message) => errors.Add(new FieldError(Name(field), message));

    public string RequiredString(string field, int maxLength = 200) =>
        OptionalString(field, maxLength) ?? Missing<string>(field, string.Empty);

    public string? OptionalString(string field, int maxLength = 200)
    {
        if (!TryGet(field, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String || v.GetString() is not { } s || string.IsNullOrWhiteSpace(s))
        {
            Fail(field, "must be a non-empty string");
            return null;
        }

        if (s.Length > maxLength)
        {
            Fail(field, $"must be at most {maxLength} characters");
            return null;
        }

        return s;
    }

    public DateOnly RequiredDate(string field) => OptionalDate(field) ?? Missing(field, default(DateOnly));

    public DateOnly? OptionalDate(string field)
    {
        if (OptionalString(field, 10) is not { } s)
        {
            return null;
        }

        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && Http.QueryReader.InRange(d))
        {
            return d;
        }

        // A date like 9999-12-31 would be accepted and then break every KPI of the book that holds it (date arithmetic overflows).
        Fail(field, $"must be a date as yyyy-MM-dd from {Http.QueryReader.MinDate:yyyy-MM-dd} to {Http.QueryReader.MaxDate:yyyy-MM-dd}");
        return null;
    }

    public DateTimeOffset? OptionalInstant(string field)
    {
        if (OptionalString(field, 40) is not { } s)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) && s.Contains('T', StringComparison.Ordinal))
        {
            return t.ToUniversalTime();
        }

        Fail(field, "must be an RFC 3339 date-time, e.g. 2026-01-31T09:30:00Z");
        return null;
    }

    public DateTimeOffset RequiredInstant(string field) => OptionalInstant(field) ?? Missing(field, default(DateTimeOffset));

    public TEnum RequiredEnum<TEnum>(string field)
        where TEnum : struct, Enum => OptionalEnum<TEnum>(field) ?? Missing(field, default(TEnum));

    public decimal RequiredAmount(string field, bool allowZero = true) => OptionalAmount(field, allowZero) ?? Missing(field, 0m);

    public decimal? OptionalAmount(string field, bool allowZero = true)
    {
        if (!TryGet(field, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var d))
        {
            Fail(field, "must be a number");
            return null;
        }

        if (d < 0 || (!allowZero && d == 0))
        {
            Fail(field, allowZero ? "must not be negative" : "must be greater than zero");
            return null;
        }

        if (decimal.Round(d, 4) != d)
        {
            Fail(field, "must have at most 4 decimal places");
            return null;
        }

        return d;
    }

    public long? OptionalLong(string field, long min = 0)
    {
        if (!TryGet(field, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n) || n < min)
        {
            Fail(field, $"must be a whole number ≥ {min}");
            return null;
        }

        return n;
    }

    public int? OptionalInt(string field, int min, int max)
    {
        var n = OptionalLong(field, min);
        if (n > max)
        {
            Fail(field, $"must be at most {max}");
            return null;
        }

        return (int?)n;
    }

    public bool OptionalBool(string field, bool fallback = false)
    {
        if (!TryGet(field, out var v))
        {
            return fallback;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        Fail(field, "must be true or false");
        return fallback;
    }

    public string RequiredCurrency(string field)
    {
        var s = RequiredString(field, 3);
        if (s.Length > 0 && !Iso4217.IsValid(s))
        {
            Fail(field, $"'{s}' is not an ISO 4217 currency code");
        }

        return s;
    }

    public TEnum? OptionalEnum<TEnum>(string field)
        where TEnum : struct, Enum
    {
        if (OptionalString(field, 40) is not { } s)
        {
            return null;
        }

        if (Enum.TryParse<TEnum>(s, ignoreCase: true, out var value) && !int.TryParse(s, CultureInfo.InvariantCulture, out _))
        {
            return value;
        }

        var names = string.Join(", ", Enum.GetNames<TEnum>().Select(JsonNamingPolicy.CamelCase.ConvertName));
        Fail(field, $"must be one of {names}");
        return null;
    }

    public List<JsonElement> RequiredArray(string field, int maxItems)
    {
        if (!TryGet(field, out var v))
        {
            return Missing(field, new List<JsonElement>());
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            Fail(field, "must be an array");
            return [];
        }

        if (v.GetArrayLength() > maxItems)
        {
            Fail(field, $"must have at most {maxItems} items");
            return [];
        }

        return [.. v.EnumerateArray()];
    }

    public List<JsonElement> OptionalArray(string field, int maxItems) =>
        TryGet(field, out _) ? RequiredArray(field, maxItems) : [];

    public FieldReader Nested(JsonElement element, string field, int index)
    {
        var child = new FieldReader(element, $"{Name(field)}[{index}]");
        if (element.ValueKind != JsonValueKind.Object)
        {
            child.errors.Add(new FieldError(child.Name(null), "must be an object"));
        }

        return child;
    }

    public void Absorb(FieldReader child) => errors.AddRange(child.errors);

    private bool TryGet(string field, out JsonElement value)
    {
        value = default;
        return obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private T Missing<T>(string field, T fallback)
    {
        if (!errors.Any(e => e.Field == Name(field)))
        {
            Fail(field, "is required");
        }

        return fallback;
    }

    private string Name(string? field) => field is null ? path : path.Length == 0 ? field : $"{path}.{field}";
}
