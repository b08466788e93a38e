namespace CollectionsFx.Testing;

/// <summary>
/// Text an attacker or a broken system sends, shared by the fuzz tests of every input surface (linked into each test project):
/// formula and script injection, query injection, control and non-BMP characters, path tricks, impossible and extreme dates,
/// number edge cases, JSON-looking text and an oversized value.
/// </summary>
public static class HostileText
{
    public static readonly IReadOnlyList<string> Values =
    [
        "", " ", "=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)", "<script>alert(1)</script>", "'; DROP TABLE ledger; --", "PartitionKey eq 'x' or true",
        "\u0000", "\uFFFF", "😀💶", "..\\..\\etc\\passwd", "2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01", "NaN", "Infinity", "1e309", "-0", "null",
        "true", "{}", "[]", "%00", "%2F..%2F", "x".PadRight(3_000, 'x'), "ÄÖÜß", "عربى", "\r\n", "a/b", "a#b", "a?b",
    ];
}
