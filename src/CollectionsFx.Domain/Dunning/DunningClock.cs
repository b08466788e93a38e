namespace CollectionsFx.Domain.Dunning;

/// <summary>
/// Business dates of dunning over instants: day <see cref="EpochDate"/> starts at <see cref="EpochUtc"/> and every day lasts
/// <see cref="DayLength"/>. In production the epoch is a local midnight of the tenant's zone and a day is 24 hours; in tests a
/// day lasts milliseconds, so a 30-day cycle runs in seconds with the same arithmetic. Steps run at
/// <see cref="SendAt"/> into their day (08:00 for a 24-hour day). Pure, so orchestrators can use it on replay.
/// </summary>
public sealed record DunningClock(DateTime EpochUtc, DateOnly EpochDate, TimeSpan DayLength)
{
    /// <summary>Share of a day after which the day's step runs (8/24: 08:00 local).</summary>
    public const double SendAt = 8.0 / 24;

    /// <summary>The clock of real days in a time zone (daylight-saving shifts move the hour by one, which dunning tolerates).</summary>
    public static DunningClock Daily(DateOnly epochDate, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var midnight = epochDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DunningClock(TimeZoneInfo.ConvertTimeToUtc(midnight, zone), epochDate, TimeSpan.FromDays(1));
    }

    /// <summary>The business date at an instant.</summary>
    public DateOnly DateOf(DateTime utc) => EpochDate.AddDays((int)Math.Floor((utc - EpochUtc) / DayLength));

    /// <summary>When the step of <paramref name="date"/> runs.</summary>
    public DateTime RunTimeOf(DateOnly date) => EpochUtc + ((date.DayNumber - EpochDate.DayNumber + SendAt) * DayLength);
}
