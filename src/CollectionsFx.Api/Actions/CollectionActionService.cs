using CollectionsFx.Api.Dunning;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Connectors.BusinessCentral;
using CollectionsFx.Storage.Connectors.Crm;
using CollectionsFx.Storage.Tasks;
using CollectionsFx.Workflows.Actions;

namespace CollectionsFx.Api.Actions;

/// <summary>
/// The CRM actions of the workflows: a case per escalation and a task per piece of work for a person, upserted by the
/// workflow's key (so a retried activity updates what it created), kept in the task list of the person it is for, and logged
/// with its cost (<see cref="ActionLog"/>). A request for sales support also goes by e-mail to the sales-support mailbox.
/// </summary>
public sealed class CollectionActionService(
    ICrmConnector crm, TaskStore tasks, ActionLog log, AccountReader accounts, ExactlyOnceMailer mailer, Microsoft.Extensions.Options.IOptions<DunningOptions> options,
    BusinessCentralClient erp, Microsoft.Extensions.Options.IOptions<BusinessCentralOptions> erpOptions, TimeProvider time) : ICollectionActions
{
    /// <inheritdoc />
    public async Task<ActionResult> SetCreditHoldAsync(CreditHoldRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var what = request.Hold ? "credit hold" : "credit hold released";
        if (!erpOptions.Value.Enabled)
        {
            // No ERP to write to: a person sets it by hand, from a task in the collector's list.
            var manual = await CreateTaskAsync(new TaskRequest(
                request.CustomerId, request.Key, request.Hold ? "credit-hold" : "credit-release", $"{(request.Hold ? "Set" : "Release")} the credit hold of {request.CustomerId} in the ERP",
                request.Reason, accounts.Today(), true, []), cancellationToken).ConfigureAwait(false);
            return new ActionResult(false, $"no ERP connected: {manual.Outcome}");
        }

        var result = await erp.SetBlockedAsync(request.CustomerId, request.Hold ? "All" : " ", cancellationToken).ConfigureAwait(false);
        var cost = await log.RecordAsync(new ActionLog.Entry(
            request.CustomerId, "erp-" + request.Key, ActionKind.CreditHold, true, "automation", [], $"{what}: Business Central blocked '{result.Before}' -> '{result.After}'. {request.Reason}"),
            cancellationToken).ConfigureAwait(false);
        return new ActionResult(true, $"{what} in Business Central (blocked '{result.Before}' -> '{result.After}'), cost {cost:0.##}");
    }

    /// <inheritdoc />
    public async Task<ActionResult> EscalateAsync(EscalationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await crm.UpsertCaseAsync(
            new CrmCase(request.Key, request.CustomerId, request.Title, request.Description, request.Urgent ? CrmPriority.High : CrmPriority.Normal), cancellationToken).ConfigureAwait(false);
        var where = Where(result);
        var cost = await log.RecordAsync(new ActionLog.Entry(
            request.CustomerId, "crm-" + request.Key, ActionKind.CrmEscalation, true, "automation", request.InvoiceIds, $"{request.Title} ({where})"), cancellationToken).ConfigureAwait(false);
        return new ActionResult(true, $"case {where}, cost {cost:0.##}");
    }

    /// <inheritdoc />
    public async Task<ActionResult> CreateTaskAsync(TaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var account = await accounts.AccountAsync(request.CustomerId, accounts.Today(), cancellationToken).ConfigureAwait(false);
        var collector = account is null || account.Collector == ArAccount.Unassigned ? "unassigned" : account.Collector;
        var salesSupport = request.Kind == "sales-support";
        var assignee = salesSupport ? options.Value.SalesSupportOwner ?? "account-owner" : collector;
        var result = await crm.UpsertTaskAsync(
            new CrmTask(request.Key, request.CustomerId, request.Subject, request.Description, request.Due, request.Urgent ? CrmPriority.High : CrmPriority.Normal, assignee),
            cancellationToken).ConfigureAwait(false);
        await tasks.AddAsync(new WorkTask(
            request.CustomerId, request.Key, request.Kind, assignee, request.Subject, request.Description, request.Due, request.Urgent, time.GetUtcNow(), Crm: Where(result)), cancellationToken).ConfigureAwait(false);
        if (!salesSupport)
        {
            // A task is work for a person, not yet a contact with the customer: the call itself is logged when it is made.
            return new ActionResult(true, $"task for {assignee} ({Where(result)})");
        }

        if (options.Value.SalesSupportAddress is { Length: > 0 } to)
        {
            await mailer.SendOnceAsync(request.CustomerId, request.Key + "/mail", id => new Storage.Mail.EmailMessage(
                id, options.Value.From, null, to, request.Subject, $"<p>{System.Net.WebUtility.HtmlEncode(request.Description)}</p>", request.Description), cancellationToken).ConfigureAwait(false);
        }

        var cost = await log.RecordAsync(new ActionLog.Entry(
            request.CustomerId, "task-" + request.Key, ActionKind.SalesSupportRequest, true, "automation", request.InvoiceIds, request.Subject), cancellationToken).ConfigureAwait(false);
        return new ActionResult(true, $"sales support requested from {assignee} ({Where(result)}), cost {cost:0.##}");
    }

    private static string Where(CrmResult result) =>
        result.System == "none" ? "no CRM connected: logged here" : $"{result.System} {result.RecordId ?? "record"} {(result.Created ? "created" : "updated")}";
}
