using CollectionsFx.Api;
using CollectionsFx.Api.Http;
using CollectionsFx.Api.Insights;
using CollectionsFx.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CollectionsFx.Functions.Insights;

/// <summary>HTTP triggers of KPIs, targets, gaps and process mining: each binds the route and calls the shared handler.</summary>
public sealed class InsightsFunctions(InsightsHandler insights, ForecastHandler forecast, MiningHandler mining)
{
    [Function("GetKpis")]
    public Task<IActionResult> Kpis([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Kpis)] HttpRequest req) =>
        insights.KpisAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetKpiTrend")]
    public Task<IActionResult> Trend([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.KpiTrend)] HttpRequest req) =>
        insights.TrendAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetGaps")]
    public Task<IActionResult> Gaps([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Gaps)] HttpRequest req) =>
        insights.GapsAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("ListTargets")]
    public Task<IActionResult> ListTargets([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Targets)] HttpRequest req) =>
        insights.ListTargetsAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("SetTarget")]
    public Task<IActionResult> SetTarget([HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.Target)] HttpRequest req, string kpi) =>
        insights.SetTargetAsync(req, kpi, req.HttpContext.RequestAborted).ToActionResult();

    [Function("SuggestTargets")]
    public Task<IActionResult> SuggestTargets([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.TargetSuggestions)] HttpRequest req) =>
        insights.SuggestTargetsAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("PutRates")]
    public Task<IActionResult> PutRates([HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.Rates)] HttpRequest req) =>
        insights.PutRatesAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetCashForecast")]
    public Task<IActionResult> Forecast([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Forecast)] HttpRequest req) =>
        forecast.ForecastAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetForecastBacktest")]
    public Task<IActionResult> Backtest([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.ForecastBacktest)] HttpRequest req) =>
        forecast.BacktestAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetVariants")]
    public Task<IActionResult> Variants([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.MiningVariants)] HttpRequest req) =>
        mining.VariantsAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetProcessMap")]
    public Task<IActionResult> ProcessMap([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.MiningDfg)] HttpRequest req) =>
        mining.DfgAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetMiningStats")]
    public Task<IActionResult> Stats([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.MiningStats)] HttpRequest req) =>
        mining.StatsAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("DownloadEventLog")]
    public Task<IActionResult> Export([HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.EventLogExport)] HttpRequest req) =>
        mining.ExportAsync(req, req.HttpContext.RequestAborted).ToActionResult();

    [Function("GetOpenApi")]
    public IActionResult OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest req) =>
        OpenApiDocument.Result().ToActionResult();
}
