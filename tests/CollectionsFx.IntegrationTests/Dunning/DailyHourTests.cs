using CollectionsFx.Api.Dunning;

namespace CollectionsFx.IntegrationTests.Dunning;

/// <summary>The hourly timer acts once a day, at 06:00 in the tenant's zone, whatever its offset and daylight saving.</summary>
public sealed class DailyHourTests
{
    [Theory]
    [InlineData("2026-12-05T05:00:00Z", "Europe/Berlin", true)]    // winter: UTC+1
    [InlineData("2026-12-05T06:00:00Z", "Europe/Berlin", false)]
    [InlineData("2026-07-01T04:30:00Z", "Europe/Berlin", true)]    // summer: UTC+2
    [InlineData("2026-07-01T05:00:00Z", "Europe/Berlin", false)]
    [InlineData("2026-12-05T11:00:00Z", "America/New_York", true)] // UTC-5
    [InlineData("2026-12-05T06:00:00Z", "UTC", true)]
    public void The_daily_check_runs_in_the_tenants_sixth_hour(string utc, string zone, bool runs) =>
        Assert.Equal(runs, DunningScheduler.IsDailyHour(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), TimeZoneInfo.FindSystemTimeZoneById(zone), 6));
}
