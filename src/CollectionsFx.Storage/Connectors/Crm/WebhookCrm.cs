using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CollectionsFx.Domain.Webhooks;

namespace CollectionsFx.Storage.Connectors.Crm;

/// <summary>
/// Any other CRM: a signed JSON POST (<c>crm.case.upsert</c> or <c>crm.task.upsert</c>) to a URL, with the signature header
/// CollectionsFx's own webhooks verify (<c>CollectionsFx-Signature: t=…,v1=HMAC-SHA256(secret, "{t}.{body}")</c>) and an
/// <c>Idempotency-Key</c> the receiver de-duplicates on. Retries come from the HttpClient's resilience handler.
/// </summary>
public sealed class WebhookCrm(HttpClient http, CrmOptions options, TimeProvider time) : ICrmConnector
{
    public string System => "webhook";

    public Task<CrmResult> UpsertCaseAsync(CrmCase crmCase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crmCase);
        return PostAsync("crm.case.upsert", crmCase.Key, new JsonObject
        {
            ["key"] = crmCase.Key, ["customerId"] = crmCase.CustomerId, ["title"] = crmCase.Title, ["description"] = crmCase.Description,
            ["priority"] = crmCase.Priority.ToString(),
        }, cancellationToken);
    }

    public Task<CrmResult> UpsertTaskAsync(CrmTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        return PostAsync("crm.task.upsert", task.Key, new JsonObject
        {
            ["key"] = task.Key, ["customerId"] = task.CustomerId, ["subject"] = task.Subject, ["description"] = task.Description,
            ["due"] = task.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["priority"] = task.Priority.ToString(), ["owner"] = task.Owner,
        }, cancellationToken);
    }

    private async Task<CrmResult> PostAsync(string type, string key, JsonObject data, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["data"] = data }.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, options.BaseUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("Idempotency-Key", key);
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(options.WebhookSecret ?? "", time.GetUtcNow(), body));
        using var response = await http.SendThroughBreakerAsync(request, System, options, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new CrmException(System, (int)response.StatusCode, null, text.Length > 300 ? text[..300] : text);
        }

        return new CrmResult(System, null, response.StatusCode == HttpStatusCode.Created);
    }
}
