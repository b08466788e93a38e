using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CollectionsFx.Domain.Webhooks;

/// <summary>
/// Webhook signatures: header <c>CollectionsFx-Signature: t={unix seconds},v1={hex}</c> where
/// v1 = HMAC-SHA256(secret, "{t}.{raw body}"). Several v1 values may be sent while a secret rotates.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The request header that carries the signature.</summary>
    public const string Header = "CollectionsFx-Signature";

    /// <summary>Computes the header value for a body (used by senders, the demo seeder and tests).</summary>
    public static string Sign(string secret, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        var t = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Mac(secret, t, body))}";
    }

    /// <summary>Checks a header against the body; returns null when valid, else why not.</summary>
    public static string? Verify(string? header, string secret, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return $"The {Header} header is missing.";
        }

        string? t = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t")
            {
                t = value;
            }
            else if (key == "v1")
            {
                candidates.Add(value);
            }
        }

        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || candidates.Count == 0)
        {
            return $"The {Header} header must be 't=<unix seconds>,v1=<hex HMAC-SHA256>'.";
        }

        if (Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).TotalSeconds) > tolerance.TotalSeconds)
        {
            return "The signature timestamp is outside the allowed window (possible replay).";
        }

        var expected = Mac(secret, t, body);
        foreach (var candidate in candidates)
        {
            if (candidate.Length == expected.Length * 2 && TryHex(candidate, out var given) && CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return null;
            }
        }

        return "The signature does not match the body.";
    }

    private static byte[] Mac(string secret, string t, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(t + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryHex(string hex, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
