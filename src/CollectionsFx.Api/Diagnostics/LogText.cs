using System.Text.RegularExpressions;

namespace CollectionsFx.Api.Diagnostics;

/// <summary>Text from outside (a mail server's or CRM's error) made fit for a log: e-mail addresses masked.</summary>
public static partial class LogText
{
    /// <summary>Replaces the local part of every e-mail address with its first letter and <c>***</c> (<c>a***@example.com</c>).</summary>
    public static string MaskEmails(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Email().Replace(text, m => m.Groups["local"].Value[0] + "***@" + m.Groups["domain"].Value);
    }

    [GeneratedRegex(@"(?<local>[A-Za-z0-9._%+\-]+)@(?<domain>[A-Za-z0-9.\-]+\.[A-Za-z]{2,})", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Email();
}
