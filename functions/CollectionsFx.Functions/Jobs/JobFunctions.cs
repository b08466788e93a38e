using CollectionsFx.Api.Jobs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Functions.Jobs;

/// <summary>Timer triggers; schedules come from <see cref="Schedules"/>, like the local host's.</summary>
public sealed class JobFunctions(EventLogExporter exporter, ErpPullService erp, Api.Diagnostics.HistoryPurger purger)
{
    [Function("ExportEventLog")]
    public Task ExportEventLog([TimerTrigger(Schedules.EventLogExport)] TimerInfo timer, FunctionContext context) =>
        exporter.ExportAsync(context.CancellationToken);

    [Function("PullErpDeltas")]
    public Task PullErpDeltas([TimerTrigger(Schedules.ErpPull)] TimerInfo timer, FunctionContext context) =>
        erp.PullAsync(context.CancellationToken);

    [Function("PurgeOrchestrationHistory")]
    public Task PurgeOrchestrationHistory([TimerTrigger(Schedules.PurgeHistory)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        purger.PurgeAsync(client, context.CancellationToken);
}
