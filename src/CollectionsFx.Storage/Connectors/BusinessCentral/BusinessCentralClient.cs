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
