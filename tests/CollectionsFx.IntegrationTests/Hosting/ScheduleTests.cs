using CollectionsFx.Api.Jobs;
using Cronos;

namespace CollectionsFx.IntegrationTests.Hosting;

public sealed class ScheduleTests
{
    [Theory]
    [InlineData("0 0 2 * * *", null, "0 0 2 * * *")]
    [InlineData("%ErpPullSchedule%", null, "0 */5 * * * *")]
    [InlineData("%ErpPullSchedule%", "0 */15 * * * *", "0 */15 * * * *")]
    public void Schedule_resolves_its_app_setting_or_default(string schedule, string? setting, string expected)
    {
        Assert.Equal(expected, Schedules.Resolve(schedule, _ => setting));
    }

    [Fact]
    public void Unknown_schedule_setting_without_default_is_an_error()
    {
        Assert.Throws<InvalidOperationException>(() => Schedules.Resolve("%Nope%", _ => null));
    }

    [Fact]
    public void Every_schedule_is_a_valid_cron_expression_with_seconds()
    {
        foreach (var schedule in Schedules.All.Values)
        {
            Assert.NotNull(CronExpression.Parse(Schedules.Resolve(schedule, _ => null), CronFormat.IncludeSeconds));
        }
    }
}
