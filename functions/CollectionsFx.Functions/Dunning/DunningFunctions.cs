using CollectionsFx.Workflows.Dunning;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CollectionsFx.Functions.Dunning;

/// <summary>The dunning cycle and its activities: one-line wrappers of the workflow classes.</summary>
public sealed class DunningFunctions(IDunningActions actions)
{
    [Function(nameof(DunningCycle))]
    public Task<DunningOutcome> Cycle([OrchestrationTrigger] TaskOrchestrationContext context, DunningCycleInput input) => new DunningCycle().RunAsync(context, input);

    [Function(nameof(LoadDunningView))]
    public Task<DunningView> View([ActivityTrigger] string customerId) => actions.LoadViewAsync(customerId, CancellationToken.None);

    [Function(nameof(SendDunningNotice))]
    public Task<NoticeResult> Send([ActivityTrigger] NoticeRequest request) => actions.SendNoticeAsync(request, CancellationToken.None);

    [Function(nameof(DeadLetterNotice))]
    public async Task<bool> DeadLetter([ActivityTrigger] UndeliveredNotice notice)
    {
        await actions.DeadLetterAsync(notice, CancellationToken.None);
        return true;
    }

    [Function(nameof(RequestDunningApproval))]
    public async Task<bool> Approval([ActivityTrigger] ApprovalRequest request)
    {
        await actions.RequestApprovalAsync(request, CancellationToken.None);
        return true;
    }
}
