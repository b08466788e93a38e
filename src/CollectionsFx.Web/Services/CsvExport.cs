using System.Globalization;
using System.Text;

namespace CollectionsFx.Web.Services;

/// <summary>
/// CSV that Excel opens as it is (UTF-8 with BOM, comma, CRLF, quoted where needed). A text cell beginning with =, +, -, @, tab
/// or carriage return is prefixed with an apostrophe so a spreadsheet never runs it as a formula (CSV injection); numbers are
/// written as numbers.
/// </summary>
public static class CsvExport
{
    private static readonly char[] Special = [',', '"', '\r', '\n'];
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>The file's text: a header row and one row per entry; cells are strings, numbers or null.</summary>
    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder("\uFEFF");
        Line(text, header.Cast<object?>().ToList());
        foreach (var row in rows)
        {
            Line(text, row);
        }

        return text.ToString();
    }

    /// <summary>One cell as CSV text.</summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        _ => Text(value.ToString() ?? ""),
    };

    private static string Text(string s)
    {
        if (s.Length > 0 && FormulaStarts.Contains(s[0]))
        {
            s = "'" + s;
        }

        return s.IndexOfAny(Special) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }

    private static void Line(StringBuilder text, IReadOnlyList<object?> cells) =>
        text.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");
}
