using CollectionsFx.Workflows.Actions;
using CollectionsFx.Workflows.Dunning;
using CollectionsFx.Workflows.Promises;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace CollectionsFx.Functions.Dunning;

/// <summary>The promise follow-up and the CRM actions: one-line wrappers of the workflow classes.</summary>
public sealed class PromiseFunctions(IPromiseActions promises, ICollectionActions actions)
{
    [Function(nameof(PromiseFollowUp))]
    public Task<PromiseOutcome> FollowUp([OrchestrationTrigger] TaskOrchestrationContext context, PromiseFollowUpInput input) => new PromiseFollowUp().RunAsync(context, input);

    [Function(nameof(LoadPromise))]
    public Task<PromiseView?> Load([ActivityTrigger] PromiseFollowUpInput input) => promises.LoadPromiseAsync(input, CancellationToken.None);

    [Function(nameof(SendPromiseMail))]
    public Task<NoticeResult> Mail([ActivityTrigger] PromiseMailRequest request) => promises.SendPromiseMailAsync(request, CancellationToken.None);

    [Function(nameof(RecordPromiseVerdict))]
    public Task<PromiseVerdict> Verdict([ActivityTrigger] PromiseFollowUpInput input) => promises.RecordVerdictAsync(input, CancellationToken.None);

    [Function(nameof(CreateCrmEscalation))]
    public Task<ActionResult> Escalate([ActivityTrigger] EscalationRequest request) => actions.EscalateAsync(request, CancellationToken.None);

    [Function(nameof(SetCreditHold))]
    public Task<ActionResult> CreditHold([ActivityTrigger] CreditHoldRequest request) => actions.SetCreditHoldAsync(request, CancellationToken.None);

    [Function(nameof(CreateCollectorTask))]
    public Task<ActionResult> Task([ActivityTrigger] TaskRequest request) => actions.CreateTaskAsync(request, CancellationToken.None);
}
