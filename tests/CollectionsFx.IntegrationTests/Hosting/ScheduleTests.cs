using CollectionsFx.Api.Jobs;
using Cronos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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

/// <summary>The tests' hosts turn the timers off; a host without the setting runs them.</summary>
public sealed class JobSchedulerSwitchTests
{
    [Theory]
    [InlineData(null, false)]
    [InlineData("true", false)]
    [InlineData("false", true)]
    public async Task Jobs_Enabled_false_stops_every_timer(string? enabled, bool finishedAtOnce)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [CollectionsFx.Cli.JobScheduler.EnabledSetting] = enabled })
            .Build();
        using var services = new ServiceCollection().BuildServiceProvider();
        using var scheduler = new CollectionsFx.Cli.JobScheduler(services, configuration, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<CollectionsFx.Cli.JobScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        Assert.NotNull(scheduler.ExecuteTask);
        // ExecuteAsync runs on the thread pool (.NET 10): give it a second to finish, which only the switched-off one does.
        await Task.WhenAny(scheduler.ExecuteTask, Task.Delay(TimeSpan.FromSeconds(1)));
        Assert.Equal(finishedAtOnce, scheduler.ExecuteTask.IsCompleted);
        await scheduler.StopAsync(CancellationToken.None);
    }
}
