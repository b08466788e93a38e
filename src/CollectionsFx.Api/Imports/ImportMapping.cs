using System.Text.Json;
using System.Text.Json.Serialization;

namespace CollectionsFx.Api.Imports;

/// <summary>
/// How an ERP's invoice extract (CSV) maps to CollectionsFx fields. JSON, e.g.
/// <code>
/// { "decimalSeparator": ",", "dateFormat": "dd.MM.yyyy", "currency": "EUR",
///   "columns": { "invoiceId": { "column": "Belegnr." }, "paperless": { "column": "Versand", "true": ["E-Mail"], "false": ["Papier"] } } }
/// </code>
/// Unmapped columns are kept on the invoice as attributes.
/// </summary>
public sealed record ImportMapping
{
    /// <summary>Field names a column may map to.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "invoiceId", "customerId", "customerName", "country", "issueDate", "dueDate", "amount", "currency",
        "clearedDate", "clearedAmount", "paperless", "cancelled", "writtenOff", "version",
    ];

    internal static readonly string[] Required = ["invoiceId", "customerId", "issueDate", "dueDate", "amount"];

    /// <summary>Column separator; null detects it from the header.</summary>
    public char? Separator { get; init; }

    /// <summary>Decimal separator of amounts: '.' or ','.</summary>
    public char DecimalSeparator { get; init; } = '.';

    /// <summary>Thousands separator of amounts, if the extract has one.</summary>
    public char? ThousandsSeparator { get; init; }

    /// <summary>Default date format of date columns (.NET custom format).</summary>
    public string DateFormat { get; init; } = "yyyy-MM-dd";

    /// <summary>Currency of every row when no column holds it.</summary>
    public string? Currency { get; init; }

    /// <summary>Country of customers when no column holds it (ISO 3166 alpha-2).</summary>
    public string? Country { get; init; }

    /// <summary>Field name to column.</summary>
    public Dictionary<string, ColumnMapping> Columns { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Reads a mapping file, or throws with what is wrong.</summary>
    public static ImportMapping Parse(string json)
    {
        var mapping = JsonSerializer.Deserialize<ImportMapping>(json, Options) ?? throw new FormatException("The mapping file is empty.");
        if (mapping.Columns is null)
        {
            throw new FormatException("Invalid mapping: 'columns' must be an object of field name to { \"column\": \"header\" }");
        }

        var problems = new List<string>();
        problems.AddRange(mapping.Columns.Where(c => c.Value is null || string.IsNullOrWhiteSpace(c.Value.Column)).Select(c => $"field '{c.Key}' must name its column"));
        foreach (var (where, format) in new[] { ("dateFormat", mapping.DateFormat) }.Concat(mapping.Columns.Where(c => c.Value?.Format is not null).Select(c => ($"{c.Key}.format", c.Value.Format!))))
        {
            if (!IsDateFormat(format))
            {
                problems.Add($"{where} '{format}' is not a date format (e.g. dd.MM.yyyy)");
            }
        }

        problems.AddRange(mapping.Columns.Keys.Where(k => !Fields.Contains(k)).Select(k => $"unknown field '{k}' (known: {string.Join(", ", Fields)})"));
        problems.AddRange(Required.Where(r => !mapping.Columns.ContainsKey(r)).Select(r => $"field '{r}' must be mapped"));
        if (!mapping.Columns.ContainsKey("currency") && mapping.Currency is null)
        {
            problems.Add("map a 'currency' column or set a default 'currency'");
        }

        if (mapping.DecimalSeparator is not ('.' or ','))
        {
            problems.Add("decimalSeparator must be '.' or ','");
        }

        return problems.Count == 0 ? mapping : throw new FormatException("Invalid mapping: " + string.Join("; ", problems));
    }

    /// <summary>True when <paramref name="format"/> is a .NET custom date format that can write and read back a date.</summary>
    private static bool IsDateFormat(string? format)
    {
        if (string.IsNullOrWhiteSpace(format))
        {
            return false;
        }

        try
        {
            var probe = new DateTime(2026, 10, 31, 0, 0, 0, DateTimeKind.Unspecified);
            var text = probe.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
            return DateTime.TryParseExact(text, format, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var back) && back.Date == probe.Date;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>One mapped column.</summary>
public sealed record ColumnMapping
{
    /// <summary>The column's header text.</summary>
    public required string Column { get; init; }

    /// <summary>Date format of this column, overriding the mapping's default.</summary>
    public string? Format { get; init; }

    /// <summary>Words meaning true (case-insensitive), for boolean fields.</summary>
    [JsonPropertyName("true")]
    public IReadOnlyList<string>? TrueWords { get; init; }

    /// <summary>Words meaning false (case-insensitive), for boolean fields.</summary>
    [JsonPropertyName("false")]
    public IReadOnlyList<string>? FalseWords { get; init; }
}
