using System.Globalization;
using System.Text;

namespace CollectionsFx.Storage.Ledger;

/// <summary>
/// Makes arbitrary source ids safe as Table keys: '/', '\', '#', '?', '%', '|' and control characters are
/// not allowed (or are our separator) and are percent-encoded. The encoding is reversible and keeps order
/// of plain ids.
/// </summary>
public static class TableKey
{
    /// <summary>The id a key was encoded from (only escaped characters are percent-encoded, '%' among them).</summary>
    public static string Decode(string key) => Uri.UnescapeDataString(key);

    /// <summary>Encodes one id for use inside a PartitionKey or RowKey.</summary>
    public static string Encode(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!id.Any(NeedsEscape))
        {
            return id;
        }

        var sb = new StringBuilder(id.Length + 8);
        foreach (var c in id)
        {
            if (NeedsEscape(c))
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' or '|' || char.IsControl(c);
}
