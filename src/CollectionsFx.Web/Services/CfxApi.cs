using System.Net.Http.Json;
using System.Text.Json;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Actions;

namespace CollectionsFx.Web.Services;

/// <summary>An API answer: the value, or the problem (RFC 7807) the API explained its refusal with.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>A problem details answer in a form a person can read.</summary>
public sealed record ApiProblem(int Status, string Title, string? Detail)
{
    /// <summary>One line for an error message bar.</summary>
    public string Text => Detail is { Length: > 0 } d ? $"{Title}: {d}" : Title;
}

/// <summary>The HTTP API of CollectionsFx, typed with the records it shares with the server (<c>CollectionsFx.Contracts</c>).</summary>
public sealed class CfxApi(HttpClient http)
{
    public Task<ApiResult<SignedInUser>> MeAsync() => GetAsync<SignedInUser>("api/me");

    public Task<ApiResult<KpiResponse>> KpisAsync(string? groupBy = null) => GetAsync<KpiResponse>(groupBy is null ? "api/kpis" : $"api/kpis?groupBy={groupBy}");

    public Task<ApiResult<KpiTrendResponse>> TrendAsync(int months, string? groupBy = null) =>
        GetAsync<KpiTrendResponse>($"api/kpis/trend?months={months}" + (groupBy is null ? "" : $"&groupBy={groupBy}"));

    public Task<ApiResult<ForecastResponse>> ForecastAsync() => GetAsync<ForecastResponse>("api/forecast");

    public Task<ApiResult<GapsResponse>> GapsAsync(int limit = 50, DateOnly? asOf = null, string? kind = null) =>
        GetAsync<GapsResponse>($"api/gaps?limit={limit}" + (asOf is { } d ? $"&asOf={Format.Date(d)}" : "") + (kind is null ? "" : $"&kind={kind}"));

    public Task<ApiResult<TargetSuggestionsResponse>> SuggestionsAsync(string kpi, string groupBy = "collector") =>
        GetAsync<TargetSuggestionsResponse>($"api/targets/suggestions?kpi={kpi}&groupBy={groupBy}");

    public Task<ApiResult<ProcessMapResponse>> ProcessMapAsync(bool performance) => GetAsync<ProcessMapResponse>($"api/mining/dfg?view={(performance ? "performance" : "frequency")}");

    public Task<ApiResult<VariantsResponse>> VariantsAsync(int limit = 25) => GetAsync<VariantsResponse>($"api/mining/variants?limit={limit}");

    public Task<ApiResult<AutomationSettings>> AutomationAsync() => GetAsync<AutomationSettings>("api/automation");

    public Task<ApiResult<AutomationSettings>> SetAutomationAsync(IEnumerable<CollectionAction> touchless) =>
        SendAsync<AutomationSettings>(HttpMethod.Put, "api/automation", new { touchless });

    public Task<ApiResult<JsonElement>> StartDunningAsync(IEnumerable<string> customerIds) =>
        PostAsync<JsonElement>("api/dunning/start", new { customerIds });

    public Task<ApiResult<Assignment>> AssignAsync(IEnumerable<string> customerIds, string collector) =>
        PostAsync<Assignment>("api/customers/assign", new { customerIds, collector });

    /// <summary>Sets a KPI's target for one group (managers and finance leads only).</summary>
    public Task<ApiResult<JsonElement>> SetTargetAsync(string kpi, string scope, string key, decimal value, string? note) =>
        SendAsync<JsonElement>(HttpMethod.Put, $"api/targets/{kpi}", new { scope, key, value, note });

    public Task<ApiResult<WorklistPage>> WorklistAsync(string? collector = null, int limit = 5000) =>
        GetAsync<WorklistPage>($"api/worklist?limit={limit}" + (collector is null ? "" : $"&collector={Uri.EscapeDataString(collector)}"));

    public Task<ApiResult<Customer360>> CustomerAsync(string customerId) => GetAsync<Customer360>($"api/customers/{Uri.EscapeDataString(customerId)}");

    public Task<ApiResult<ExecutedAction>> ExecuteAsync(string customerId, CollectionAction? action) =>
        PostAsync<ExecutedAction>($"api/worklist/{Uri.EscapeDataString(customerId)}/execute", action is { } a ? new { action = JsonNamingPolicy.CamelCase.ConvertName(a.ToString()) } : new { });

    public Task<ApiResult<JsonElement>> RecordPromiseAsync(string customerId, PromiseForm form, string? changedBy)
    {
        ArgumentNullException.ThrowIfNull(form);
        return PostAsync<JsonElement>($"api/customers/{Uri.EscapeDataString(customerId)}/promises", new
        {
            invoiceIds = form.InvoiceIds, promisedDate = form.PromisedDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            amount = form.Amount, currency = form.Currency, changedBy,
        });
    }

    public Task<ApiResult<ExperimentList>> ExperimentsAsync() => GetAsync<ExperimentList>("api/experiments");

    public Task<ApiResult<ExperimentDetail>> ExperimentAsync(string id) => GetAsync<ExperimentDetail>($"api/experiments/{Uri.EscapeDataString(id)}");

    public Task<ApiResult<ExperimentDetail>> CreateExperimentAsync(Domain.Experiments.ExperimentDesign design) => PostAsync<ExperimentDetail>("api/experiments", design);

    /// <summary>Starts, stops or promotes (with <paramref name="arm"/>) an experiment (managers only).</summary>
    public Task<ApiResult<ExperimentDetail>> ChangeExperimentAsync(string id, string action, string? arm = null) =>
        PostAsync<ExperimentDetail>($"api/experiments/{Uri.EscapeDataString(id)}/{action}", arm is null ? new { } : new { arm });

    private async Task<ApiResult<T>> GetAsync<T>(string path)
    {
        try
        {
            using var response = await http.GetAsync(path).ConfigureAwait(false);
            return await ReadAsync<T>(response).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return new ApiResult<T>(default, new ApiProblem(0, "The API cannot be reached", ex.Message));
        }
    }

    private Task<ApiResult<T>> PostAsync<T>(string path, object body) => SendAsync<T>(HttpMethod.Post, path, body);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object body)
    {
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: ApiJsonOptions.Value) };
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            return await ReadAsync<T>(response).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return new ApiResult<T>(default, new ApiProblem(0, "The API cannot be reached", ex.Message));
        }
    }

    private static async Task<ApiResult<T>> ReadAsync<T>(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(ApiJsonOptions.Value).ConfigureAwait(false), null);
        }

        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false);
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return new ApiResult<T>(default, new ApiProblem(status, title ?? response.ReasonPhrase ?? $"HTTP {status}", detail));
        }
        catch (JsonException)
        {
            return new ApiResult<T>(default, new ApiProblem(status, response.ReasonPhrase ?? $"HTTP {status}", null));
        }
    }
}

/// <summary>The promise capture form of the customer 360.</summary>
public sealed class PromiseForm
{
    public List<string> InvoiceIds { get; set; } = [];

    public DateOnly? PromisedDate { get; set; }

    public decimal? Amount { get; set; }

    public string? Currency { get; set; }
}
