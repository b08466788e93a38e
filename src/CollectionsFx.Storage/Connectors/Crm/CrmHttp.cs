using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CollectionsFx.Storage.Connectors.Crm;

/// <summary>
/// An OAuth2 client-credentials token (Entra ID for Dataverse, Salesforce's own endpoint), cached until shortly before it
/// expires or until the CRM answers 401, whichever comes first. Salesforce also says which instance to call.
/// </summary>
public sealed class ClientCredentialsToken(HttpClient http, CrmOptions options, TimeProvider time)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Token, string? InstanceUrl, DateTimeOffset Expires)? current;

    /// <summary>The cached token, or a new one when there is none or it is about to expire.</summary>
    public async Task<(string Token, string? InstanceUrl)> GetAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (current is { } c && c.Expires > time.GetUtcNow().AddMinutes(1))
            {
                return (c.Token, c.InstanceUrl);
            }

            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "client_credentials"), new("client_id", options.ClientId ?? ""), new("client_secret", options.ClientSecret ?? ""),
            };
            if (options.Scope is { Length: > 0 } scope)
            {
                form.Add(new("scope", scope));
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenUrl) { Content = new FormUrlEncodedContent(form) };
            using var response = await http.SendThroughBreakerAsync(request, "token endpoint", options, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // The token endpoint's error names the problem (invalid_client …) and never echoes the secret.
                throw new CrmException("token endpoint", (int)response.StatusCode, null, body[..Math.Min(300, body.Length)]);
            }

            var json = JsonNode.Parse(body)!;
            var token = json["access_token"]?.GetValue<string>() ?? throw new CrmException("token endpoint", (int)response.StatusCode, null, "no access_token in the answer");
            // Entra says expires_in; Salesforce does not (the session lasts its org's timeout): assume half an hour, a 401 renews it sooner.
            var lifetime = json["expires_in"] is { } e ? TimeSpan.FromSeconds(e.GetValueKind() == JsonValueKind.String ? double.Parse(e.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : e.GetValue<double>()) : TimeSpan.FromMinutes(30);
            current = (token, json["instance_url"]?.GetValue<string>(), time.GetUtcNow() + lifetime);
            return (token, current.Value.InstanceUrl);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the token the CRM refused, so the next call fetches a new one.</summary>
    public void Invalidate(string refused)
    {
        if (current is { } c && c.Token == refused)
        {
            current = null;
        }
    }
}

/// <summary>
/// The request loop both OAuth CRMs share: a bearer token on every request, one renewal and resend on 401, the CRM's error
/// read into a <see cref="CrmException"/>. Retries on 408/429/5xx and timeouts come from the HttpClient's resilience handler.
/// </summary>
public abstract class OAuthCrmConnector(HttpClient http, CrmOptions options, TimeProvider time) : ICrmConnector
{
    private readonly ClientCredentialsToken token = new(http, options, time);

    public abstract string System { get; }

    protected CrmOptions Options { get; } = options;

    public abstract Task<CrmResult> UpsertCaseAsync(CrmCase crmCase, CancellationToken cancellationToken = default);

    public abstract Task<CrmResult> UpsertTaskAsync(CrmTask task, CancellationToken cancellationToken = default);

    /// <summary>Sends a JSON request built for the instance URL; returns the status and body of a successful answer.</summary>
    protected async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(
        HttpMethod method, Func<string, string> url, JsonObject body, Action<HttpRequestMessage> headers, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (bearer, instance) = await token.GetAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(method, url(Options.BaseUrl is { Length: > 0 } b ? b : instance ?? throw new InvalidOperationException($"{System}: no BaseUrl configured and the token names no instance")))
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            headers(request);
            using var response = await http.SendThroughBreakerAsync(request, System, Options, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                token.Invalidate(bearer);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                var (code, message) = ReadError(text);
                throw new CrmException(System, (int)response.StatusCode, code, message);
            }

            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }
    }

    /// <summary>Dataverse: <c>{"error":{"code","message"}}</c>; Salesforce: <c>[{"errorCode","message"}]</c>; else the text.</summary>
    internal static (string? Code, string Message) ReadError(string text)
    {
        try
        {
            var json = JsonNode.Parse(text);
            if (json is JsonObject o && o["error"] is JsonObject e)
            {
                return (e["code"]?.ToString(), e["message"]?.ToString() ?? text);
            }

            if (json is JsonArray { Count: > 0 } a && a[0] is JsonObject first)
            {
                return (first["errorCode"]?.ToString(), first["message"]?.ToString() ?? text);
            }
        }
        catch (JsonException)
        {
        }

        return (null, text.Length > 300 ? text[..300] : text);
    }

    /// <summary>An OData string literal: single quotes doubled, then escaped for the URL path.</summary>
    protected static string ODataKey(string value) => Uri.EscapeDataString(value.Replace("'", "''", StringComparison.Ordinal));
}

/// <summary>The CRM client's send, with an open circuit (the CRM failed repeatedly) reported as the CRM's unavailability.</summary>
internal static class CrmTransport
{
    /// <summary>Sends <paramref name="request"/>; an open circuit becomes a <see cref="CrmException"/> 503 <c>circuit-open</c>.</summary>
    public static async Task<HttpResponseMessage> SendThroughBreakerAsync(this HttpClient http, HttpRequestMessage request, string system, CrmOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new CrmException(system, 503, "circuit-open",
                $"not called: it failed repeatedly, so calls pause for {options.BreakDuration.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)} s before one is tried again");
        }
    }
}
