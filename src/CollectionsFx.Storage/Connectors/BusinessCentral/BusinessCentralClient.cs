using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Storage.Connectors.BusinessCentral;

/// <summary>One page of an OData entity set.</summary>
public sealed record ODataPage(IReadOnlyList<JsonElement> Values);

/// <summary>What a credit-hold write did: the customer's <c>blocked</c> value before and after (equal when nothing changed).</summary>
public sealed record CreditHoldResult(string CustomerNumber, string Before, string After);

/// <summary>
/// Reads Business Central API v2.0 entity sets changed since a watermark, page by page: <c>$filter</c> on
/// <c>lastModifiedDateTime</c>, ordered by it, <c>@odata.nextLink</c> followed verbatim. Retries on 429/5xx
/// (honouring Retry-After) come from the HttpClient's resilience handler.
/// </summary>
public sealed class BusinessCentralClient(HttpClient http, IOptions<BusinessCentralOptions> options)
{
    private static readonly string[] Scopes = ["https://api.businesscentral.dynamics.com/.default"];
    private readonly TokenCredential? credential = options.Value is { TenantId: { Length: > 0 } t, ClientId: { Length: > 0 } c, ClientSecret: { Length: > 0 } s }
        ? new ClientSecretCredential(t, c, s)
        : null;

    /// <summary>
    /// Sets the customer's <c>blocked</c> field (<c>"All"</c> to hold, <c>" "</c> to release): the customer is read by its
    /// number for its id and <c>@odata.etag</c>, then patched with <c>If-Match</c>; when someone changed it in between (409/412,
    /// <c>Request_EntityChanged</c>) it is read and patched once more. Already at the value: nothing is written.
    /// </summary>
    public async Task<CreditHoldResult> SetBlockedAsync(string customerNumber, string blocked, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customerNumber);
        for (var attempt = 0; ; attempt++)
        {
            var filter = Uri.EscapeDataString($"number eq '{customerNumber.Replace("'", "''", StringComparison.Ordinal)}'");
            using var read = await SendAsync(HttpMethod.Get, $"customers?$filter={filter}", null, null, cancellationToken).ConfigureAwait(false);
            var body = await read.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!read.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Business Central customers: {(int)read.StatusCode} {body[..Math.Min(300, body.Length)]}", null, read.StatusCode);
            }

            using var document = JsonDocument.Parse(body);
            var customer = document.RootElement.GetProperty("value").EnumerateArray().FirstOrDefault();
            if (customer.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"Business Central has no customer number {customerNumber}.");
            }

            var before = customer.TryGetProperty("blocked", out var b) ? b.GetString() ?? " " : " ";
            if (before == blocked)
            {
                return new CreditHoldResult(customerNumber, before, blocked);
            }

            var id = customer.GetProperty("id").GetString();
            var etag = customer.GetProperty("@odata.etag").GetString();
            using var patch = await SendAsync(HttpMethod.Patch, $"customers({id})", JsonSerializer.Serialize(new { blocked }), etag, cancellationToken).ConfigureAwait(false);
            if (patch.IsSuccessStatusCode)
            {
                return new CreditHoldResult(customerNumber, before, blocked);
            }

            var error = await patch.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (attempt == 0 && (patch.StatusCode is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.PreconditionFailed || error.Contains("Request_EntityChanged", StringComparison.Ordinal)))
            {
                continue; // changed since read: read the new etag and try once more
            }

            throw new HttpRequestException($"Business Central customers({id}): {(int)patch.StatusCode} {error[..Math.Min(300, error.Length)]}", null, patch.StatusCode);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, string? json, string? ifMatch, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(options.Value.BaseUrl!.TrimEnd('/') + "/"), relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (credential is not null)
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), ct).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }

        using (request)
        {
            return await http.SendAsync(request, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Pages of <paramref name="entitySet"/> modified at or after <paramref name="since"/> (all when null).</summary>
    public async IAsyncEnumerable<ODataPage> ReadAsync(string entitySet, DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var query = since is { } w
            ? $"$filter=lastModifiedDateTime ge {w.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}&$orderby=lastModifiedDateTime"
            : "$orderby=lastModifiedDateTime";
        var url = new Uri(new Uri(options.Value.BaseUrl!.TrimEnd('/') + "/"), $"{entitySet}?{query}");
        while (url is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.TryAddWithoutValidation("Prefer", $"odata.maxpagesize={options.Value.PageSize}");
            if (credential is not null)
            {
                var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken).ConfigureAwait(false);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            }

            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Business Central {entitySet}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}", null, response.StatusCode);
            }

            using var document = JsonDocument.Parse(body);
            var values = document.RootElement.GetProperty("value").EnumerateArray().Select(v => v.Clone()).ToList();
            yield return new ODataPage(values);
            url = document.RootElement.TryGetProperty("@odata.nextLink", out var next) && next.GetString() is { Length: > 0 } link ? new Uri(link) : null;
        }
    }
}
