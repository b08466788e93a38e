using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace CollectionsFx.Storage.Connectors.Crm;

/// <summary>
/// Dynamics 365 through the Dataverse Web API: cases are <c>incidents</c> and tasks <c>tasks</c>, both upserted with
/// <c>PATCH /{set}({key column}='{key}')</c> (an alternate key on a custom column), so a retry or a replayed step updates the
/// record it created. The customer is bound by the account's alternate key (the ERP customer number).
/// </summary>
public sealed class DataverseCrm(HttpClient http, CrmOptions options, TimeProvider time) : OAuthCrmConnector(http, options, time)
{
    public override string System => "dataverse";

    public override Task<CrmResult> UpsertCaseAsync(CrmCase crmCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crmCase);
        return UpsertAsync("incidents", "incidentid", crmCase.Key, new JsonObject
        {
            ["title"] = crmCase.Title,
            ["description"] = crmCase.Description,
            ["prioritycode"] = PriorityCode(crmCase.Priority),
            ["caseorigincode"] = 3, // Web
            ["customerid_account@odata.bind"] = Account(crmCase.CustomerId),
        }, cancellationToken);
    }

    public override Task<CrmResult> UpsertTaskAsync(CrmTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return UpsertAsync("tasks", "activityid", task.Key, new JsonObject
        {
            ["subject"] = task.Subject,
            ["description"] = task.Owner is null ? task.Description : $"For {task.Owner}. {task.Description}",
            ["scheduledend"] = task.Due.ToDateTime(new TimeOnly(17, 0), DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["prioritycode"] = task.Priority switch { CrmPriority.High => 2, CrmPriority.Low => 0, _ => 1 },
            ["regardingobjectid_account_task@odata.bind"] = Account(task.CustomerId),
        }, cancellationToken);
    }

    private async Task<CrmResult> UpsertAsync(string set, string idColumn, string key, JsonObject body, CancellationToken ct)
    {
        var (status, answer) = await SendAsync(
            HttpMethod.Patch, root => $"{root.TrimEnd('/')}/{set}({Options.DataverseKeyColumn}='{ODataKey(key)}')?$select={idColumn}", body,
            r =>
            {
                r.Headers.Add("OData-MaxVersion", "4.0");
                r.Headers.Add("OData-Version", "4.0");
                r.Headers.Add("Prefer", "return=representation");
            },
            ct).ConfigureAwait(false);
        return new CrmResult(System, answer?[idColumn]?.ToString(), status == HttpStatusCode.Created);
    }

    private string Account(string customerId) => $"/accounts({Options.DataverseAccountKey}='{customerId.Replace("'", "''", StringComparison.Ordinal)}')";

    /// <summary>Incident priority: 1 High, 2 Normal, 3 Low.</summary>
    private static int PriorityCode(CrmPriority priority) => priority switch { CrmPriority.High => 1, CrmPriority.Low => 3, _ => 2 };
}
