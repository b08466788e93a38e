namespace CollectionsFx.Domain.Insights;

/// <summary>
/// Turns UTC instants into the tenant's business dates and back (DOMAIN.md: dates are business dates in
/// the tenant's time zone). A payment booked at 23:30 UTC on 31 March is an April payment in Berlin.
/// </summary>
public sealed class BusinessCalendar
{
    /// <summary>A calendar in UTC.</summary>
    public static readonly BusinessCalendar Utc = new(TimeZoneInfo.Utc);

    /// <summary>Creates a calendar for a time zone.</summary>
    public BusinessCalendar(TimeZoneInfo zone) => Zone = zone ?? throw new ArgumentNullException(nameof(zone));

    /// <summary>The tenant's time zone.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>A calendar for an IANA (or Windows) time-zone id; throws naming the id when it is unknown.</summary>
    public static BusinessCalendar For(string timeZoneId)
    {
        try
        {
            return new BusinessCalendar(TimeZoneInfo.FindSystemTimeZoneById(timeZoneId));
        }
        catch (TimeZoneNotFoundException e)
        {
            throw new ArgumentException($"Unknown time zone '{timeZoneId}'.", nameof(timeZoneId), e);
        }
    }

    /// <summary>The business date on which <paramref name="instant"/> falls in the tenant's zone.</summary>
    public DateOnly DateOf(DateTimeOffset instant) =>
        ReferenceEquals(Zone, TimeZoneInfo.Utc) ? DateOnly.FromDateTime(instant.UtcDateTime) : DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>The first instant (UTC) of the business day after <paramref name="date"/>: everything before it happened on or before that date.</summary>
    public DateTimeOffset EndOf(DateOnly date)
    {
        var local = date.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local))
        {
            // Midnight skipped by a daylight-saving jump: the day starts at the first valid minute.
            local = local.AddMinutes(1);
        }

        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
