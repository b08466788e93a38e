using CollectionsFx.Api;
using CollectionsFx.Api.Collections;
using CollectionsFx.Api.Dunning;
using CollectionsFx.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace CollectionsFx.Functions.Dunning;

/// <summary>Dunning for finance ops over HTTP (each trigger binds the route and calls the shared handler) and the daily timer.</summary>
public sealed class DunningHttpFunctions(DunningScheduler scheduler, CustomerActionsHandler customers, WorklistHandler worklist, Storage.Tasks.TaskStore tasks, Storage.Ledger.ILedgerStore ledger, Api.Insights.InsightsService insights, Api.Http.MeHandler me, TimeProvider time, Api.Privacy.ErasureService erasure)
{
    [Function("EnsureDunningCycles")]
    public Task Daily([TimerTrigger(Api.Jobs.Schedules.Dunning)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        scheduler.OnTimerAsync(client, context.CancellationToken);

    [Function("GetDunningCycle")]
    public Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Dunning)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.GetAsync(customerId, client, ledger, req.HttpContext.RequestAborted).ToActionResult();

    [Function("StartDunningCycle")]
    public Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningStart)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.StartAsync(customerId, client, time, req.HttpContext.RequestAborted).ToActionResult();

    [Function("SignalDunningCycle")]
    public Task<IActionResult> Signal([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningSignal)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.SignalAsync(req, customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ApproveDunningStep")]
    public Task<IActionResult> Approve([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningApproval)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.ApproveAsync(req, customerId, client, tasks, req.HttpContext.RequestAborted).ToActionResult();

    [Function("StartDunningCycles")]
    public Task<IActionResult> StartMany([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningBulkStart)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        DunningHandler.StartManyAsync(req, client, scheduler, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ChangeDunningCycles")]
    public Task<IActionResult> Bulk([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningBulk)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        DunningHandler.BulkAsync(req, client, insights, req.HttpContext.RequestAborted).ToActionResult();

    [Function("CompleteTask")]
    public Task<IActionResult> TaskDone([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.TaskDone)] HttpRequest req, string customerId) =>
        customers.TaskDoneAsync(req, customerId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("StopDunningCycle")]
    public Task<IActionResult> Stop([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DunningStop)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.StopAsync(req, customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("RecordPromise")]
    public Task<IActionResult> RecordPromise([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.CustomerPromises)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        customers.RecordPromiseAsync(req, customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("WithdrawPromise")]
    public Task<IActionResult> WithdrawPromise([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.PromiseWithdraw)] HttpRequest req, string customerId, string promiseId, [DurableClient] DurableTaskClient client) =>
        customers.WithdrawPromiseAsync(customerId, promiseId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetPromiseFollowUp")]
    public Task<IActionResult> GetPromise([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.PromiseFollowUp)] HttpRequest req, string promiseId, [DurableClient] DurableTaskClient client) =>
        DunningHandler.GetPromiseAsync(promiseId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("OpenDispute")]
    public Task<IActionResult> OpenDispute([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.CustomerDisputes)] HttpRequest req, string customerId) =>
        customers.OpenDisputeAsync(req, customerId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ResolveDispute")]
    public Task<IActionResult> ResolveDispute([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.DisputeResolve)] HttpRequest req, string customerId, string disputeId) =>
        customers.ResolveDisputeAsync(req, customerId, disputeId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ErasePersonalData")]
    public Task<IActionResult> Erase([HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.CustomerPersonalData)] HttpRequest req, string customerId) =>
        erasure.HandleAsync(req, customerId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetCustomer360")]
    public Task<IActionResult> Customer([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Customer)] HttpRequest req, string customerId, [DurableClient] DurableTaskClient client) =>
        worklist.CustomerAsync(req, customerId, client, req.HttpContext.RequestAborted).ToActionResult();

    [Function("AssignCustomers")]
    public Task<IActionResult> Assign([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.CustomerAssign)] HttpRequest req) =>
        customers.AssignAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetAutomation")]
    public Task<IActionResult> Automation([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Automation)] HttpRequest req) =>
        worklist.GetAutomationAsync(req.HttpContext.RequestAborted).ToActionResult();

    [Function("SetAutomation")]
    public Task<IActionResult> SetAutomation([HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.Automation)] HttpRequest req) =>
        worklist.SetAutomationAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetMe")]
    public IActionResult Me([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Me)] HttpRequest req) => me.Get(req).ToActionResult();

    [Function("GetWorklist")]
    public Task<IActionResult> Worklist([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Worklist)] HttpRequest req) =>
        worklist.ListAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ExecuteNextBestAction")]
    public Task<IActionResult> Execute([HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.WorklistExecute)] HttpRequest req, string customerId) =>
        worklist.ExecuteAsync(req, customerId, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ListTasks")]
    public Task<IActionResult> Tasks([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Tasks)] HttpRequest req) =>
        customers.TasksAsync(req, req.HttpContext.RequestAborted).ToActionResult();
}
