using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace CollectionsFx.Storage.Connectors.Crm;

/// <summary>
/// Salesforce REST: <c>Case</c> and <c>Task</c> upserted on an external-id field (<c>PATCH …/sobjects/Case/{field}/{key}</c>:
/// 201 created, 200 or 204 updated), related to the Account by its own external-id field, token by client credentials.
/// </summary>
public sealed class SalesforceCrm(HttpClient http, CrmOptions options, TimeProvider time) : OAuthCrmConnector(http, options, time)
{
    public override string System => "salesforce";

    public override Task<CrmResult> UpsertCaseAsync(CrmCase crmCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crmCase);
        return UpsertAsync("Case", crmCase.Key, new JsonObject
        {
            ["Subject"] = crmCase.Title,
            ["Description"] = crmCase.Description,
            ["Priority"] = crmCase.Priority.ToString(),
            ["Origin"] = "Web",
            ["Account"] = new JsonObject { [Options.SalesforceAccountKeyField] = crmCase.CustomerId },
        }, cancellationToken);
    }

    public override Task<CrmResult> UpsertTaskAsync(CrmTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return UpsertAsync("Task", task.Key, new JsonObject
        {
            ["Subject"] = task.Subject,
            ["Description"] = task.Owner is null ? task.Description : $"For {task.Owner}. {task.Description}",
            ["ActivityDate"] = task.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Priority"] = task.Priority.ToString(),
            ["Status"] = "Not Started",
            ["What"] = new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Account" }, [Options.SalesforceAccountKeyField] = task.CustomerId },
        }, cancellationToken);
    }

    private async Task<CrmResult> UpsertAsync(string sobject, string key, JsonObject body, CancellationToken ct)
    {
        var (status, answer) = await SendAsync(
            HttpMethod.Patch,
            root => $"{root.TrimEnd('/')}/services/data/{Options.SalesforceApiVersion}/sobjects/{sobject}/{Options.SalesforceKeyField}/{Uri.EscapeDataString(key)}",
            body, _ => { }, ct).ConfigureAwait(false);
        return new CrmResult(System, answer?["id"]?.ToString(), status == HttpStatusCode.Created || answer?["created"]?.GetValue<bool>() == true);
    }
}
