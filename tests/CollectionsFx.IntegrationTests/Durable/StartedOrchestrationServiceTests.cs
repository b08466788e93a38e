using System.Reflection;
using CollectionsFx.Cli;
using DurableTask.Core;

namespace CollectionsFx.IntegrationTests.Durable;

/// <summary>
/// The local sidecar's orchestration service stops only what started: the Azure Storage service throws (and, called from the
/// sidecar's async void stopping callback, ends the process) when stopped before its start finished.
/// </summary>
public sealed class StartedOrchestrationServiceTests
{
    /// <summary>Fails a stop before its start completed, as AzureStorageOrchestrationService does (its shutdown source is null).</summary>
    public class StrictService : DispatchProxy
    {
        public TaskCompletionSource Start { get; } = new();

        public bool Started { get; private set; }

        public int Stops { get; private set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod!.Name)
            {
                case nameof(IOrchestrationService.StartAsync):
                    return StartCoreAsync();
                case nameof(IOrchestrationService.StopAsync):
                    Stops++;
                    return Started ? Task.CompletedTask : throw new NullReferenceException("stopped before started");
                default:
                    throw new NotSupportedException(targetMethod.Name);
            }
        }

        private async Task StartCoreAsync()
        {
            await Start.Task;
            Started = true;
        }
    }

    private static (StartedOrchestrationService Service, StrictService Inner) Create()
    {
        var proxy = DispatchProxy.Create<IOrchestrationService, StrictService>();
        return (new StartedOrchestrationService(proxy), (StrictService)(object)proxy);
    }

    [Fact]
    public async Task A_stop_without_a_start_does_nothing()
    {
        var (service, inner) = Create();
        await service.StopAsync(isForced: false);
        Assert.Equal(0, inner.Stops);
    }

    [Fact]
    public async Task A_stop_during_a_start_waits_for_it_then_stops_once()
    {
        var (service, inner) = Create();
        var start = service.StartAsync();
        var stop = service.StopAsync();
        await Task.Delay(50);
        Assert.False(stop.IsCompleted); // waiting for the start
        inner.Start.SetResult();
        await start;
        await stop;
        Assert.Equal(1, inner.Stops);
        await service.StopAsync(); // a second stop: nothing left to stop
        Assert.Equal(1, inner.Stops);
    }

    [Fact]
    public async Task A_failed_start_leaves_nothing_to_stop()
    {
        var (service, inner) = Create();
        var start = service.StartAsync();
        inner.Start.SetException(new InvalidOperationException("storage down"));
        await Assert.ThrowsAnyAsync<Exception>(() => start);
        await service.StopAsync();
        Assert.Equal(0, inner.Stops);
    }
}
