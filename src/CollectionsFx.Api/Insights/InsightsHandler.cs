using System.Globalization;
using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Insights;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Insights;

/// <summary>KPIs, trends, execution gaps, targets and exchange rates over HTTP.</summary>
public sealed class InsightsHandler(InsightsService insights, TargetStore targets, RatesStore rates, TimeProvider time, Scoring.ScoreCache scores)
{
    /// <summary>Header carrying the signed-in user in Azure (App Service authentication); otherwise the body's <c>setBy</c>.</summary>
    public const string PrincipalHeader = "X-MS-CLIENT-PRINCIPAL-NAME";

    /// <summary>Handles <c>GET /api/kpis?asOf=&amp;period=&amp;groupBy=</c>.</summary>
    public async Task<IResult> KpisAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var asOf = q.Date("asOf") ?? insights.Today();
        var periodText = q.String("period");
        var period = KpiPeriod.TryParse(periodText);
        if (periodText is not null && period is null)
        {
            q.Fail("period", $"'{periodText}' is neither a month (yyyy-MM) nor a range (yyyy-MM-dd..yyyy-MM-dd)");
        }

        period ??= KpiPeriod.MonthOf(asOf);
        if (period.Start > asOf)
        {
            q.Fail("period", $"starts after asOf ({asOf:yyyy-MM-dd})");
        }

        var groupBy = q.Enum("groupBy", KpiGroupBy.None);
        if (q.Problem() is { } problem)
        {
            return problem;
        }

        if (groupBy == KpiGroupBy.Customer && Caller.OwnPortfolioOnly(request) is not null)
        {
            return Problems.Field(StatusCodes.Status403Forbidden, "Forbidden", "groupBy", "a collector sees KPIs by collector, segment or country, not other portfolios' customers");
        }

        var (allTargets, targetsVersion) = await TargetsAsync(cancellationToken).ConfigureAwait(false);
        var scope = Scope(groupBy);

        // The serialized answer is cached with the report: a grouping by customer is megabytes of JSON.
        var body = await snapshot.CachedAsync($"json|kpis|{asOf:yyyy-MM-dd}|{period}|{groupBy}|{targetsVersion}", async () =>
        {
            var report = await snapshot.ReportAsync(asOf, period, groupBy).ConfigureAwait(false);
            var set = allTargets.Where(t => t.Scope == scope).ToList();
            return JsonSerializer.SerializeToUtf8Bytes(
                new KpiResponse(
                    report.AsOf, report.Period, report.GroupBy, report.Currency, Info(snapshot), KpiFormulas.All,
                    [.. report.Groups.Select(g => new KpiGroupView(g.Key, g.Values, TargetsOf(set, g)))]),
                ApiJson.Options);
        }).ConfigureAwait(false);
        return Results.Bytes(body, "application/json");
    }

    /// <summary>Handles <c>GET /api/kpis/trend?asOf=&amp;months=&amp;groupBy=</c>: each month as it stood at its end.</summary>
    public async Task<IResult> TrendAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var asOf = q.Date("asOf") ?? insights.Today();
        var months = q.Int("months", 1, KpiEngine.MaxTrendMonths) ?? 24;
        var groupBy = q.Enum("groupBy", KpiGroupBy.None);
        if (q.Problem() is { } problem)
        {
            return problem;
        }

        var trend = await snapshot.CachedAsync($"trend|{asOf:yyyy-MM-dd}|{months}|{groupBy}", async () => (await snapshot.KpisAsync().ConfigureAwait(false)).Trend(asOf, months, groupBy)).ConfigureAwait(false);
        return Results.Json(new KpiTrendResponse(asOf, months, groupBy, snapshot.Rates.ReportingCurrency, Info(snapshot), trend), ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/gaps?asOf=&amp;kind=&amp;collector=&amp;limit=</c>: execution gaps ranked by money at stake, with a summary per kind.</summary>
    public async Task<IResult> GapsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var asOf = q.Date("asOf") ?? insights.Today();
        var kinds = q.List("kind").Select(k => Enum.TryParse<GapKind>(k, true, out var v) && !int.TryParse(k, out _) ? v : (GapKind?)null).ToList();
        if (kinds.Any(k => k is null))
        {
            q.Fail("kind", $"must be among: {string.Join(", ", Enum.GetNames<GapKind>().Select(Camel))}");
        }

        IReadOnlyList<string> collectors = q.List("collector");
        if (Caller.OwnPortfolioOnly(request) is { } self)
        {
            // A collector's gaps are those of their own portfolio.
            collectors = [self];
        }
        var limit = q.Int("limit", 1, 10_000) ?? 200;
        if (q.Problem() is { } problem)
        {
            return problem;
        }

        // Likelihoods come from the newest scoring run; without one the high-value-at-risk gap stays empty (unscored = medium).
        var (likelihoods, scoresVersion) = await scores.GetAsync(cancellationToken).ConfigureAwait(false);
        var all = await snapshot.CachedAsync($"gaps|{asOf:yyyy-MM-dd}|{scoresVersion}", async () =>
            ExecutionGaps.Find(await snapshot.BookAsOfAsync(asOf).ConfigureAwait(false), asOf, insights.Options.Gaps, id => likelihoods.TryGetValue(id, out var p) ? p : null)).ConfigureAwait(false);
        var selected = all.Where(g => (kinds.Count == 0 || kinds.Contains(g.Kind)) && (collectors.Count == 0 || collectors.Contains(g.Collector))).ToList();
        var summary = selected.GroupBy(g => g.Kind).Select(g => new GapSummary(g.Key, g.Count(), g.Sum(x => x.InvoiceIds.Count), g.Sum(x => x.MoneyAtStake)))
            .OrderByDescending(s => s.MoneyAtStake).ToList();
        return Results.Json(new GapsResponse(asOf, snapshot.Rates.ReportingCurrency, Info(snapshot), selected.Count, [.. summary], [.. selected.Take(limit)]), ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/targets?kpi=</c>.</summary>
    public async Task<IResult> ListTargetsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var kpi = q.String("kpi");
        if (kpi is not null && !TargetKpi.All.ContainsKey(kpi))
        {
            q.Fail("kpi", $"'{kpi}' is not one of: {string.Join(", ", TargetKpi.All.Keys)}");
        }

        return q.Problem() ?? Results.Json(await targets.ListAsync(kpi, cancellationToken).ConfigureAwait(false), ApiJson.Options);
    }

    /// <summary>Handles <c>PUT /api/targets/{kpi}</c> with <c>{ scope, key, value, setBy?, note? }</c>.</summary>
    public async Task<IResult> SetTargetAsync(HttpRequest request, string kpi, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<FieldError>();
        if (!TargetKpi.All.ContainsKey(kpi))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Unknown KPI", "kpi", $"'{kpi}' is not one of: {string.Join(", ", TargetKpi.All.Keys)}");
        }

        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false)).RootElement;
        }
        catch (JsonException ex)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Malformed JSON", "body", $"is not valid JSON (line {ex.LineNumber + 1})");
        }

        string? Text(string name) => body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
        var scope = Text("scope");
        if (scope is null || !Enum.TryParse<KpiGroupBy>(scope, true, out var groupBy) || int.TryParse(scope, out _))
        {
            errors.Add(new FieldError("scope", $"must be one of: {string.Join(", ", Enum.GetNames<KpiGroupBy>().Select(Camel))}"));
            groupBy = KpiGroupBy.None;
        }

        var key = Text("key") ?? (groupBy == KpiGroupBy.None ? "all" : null);
        if (key is null)
        {
            errors.Add(new FieldError("key", "is required: the group the target is for (e.g. a collector's id)"));
        }

        decimal value = 0;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out value))
        {
            errors.Add(new FieldError("value", "is required and must be a number"));
        }

        var setBy = Caller.Name(request) ?? Text("setBy");
        if (setBy is null)
        {
            errors.Add(new FieldError("setBy", "is required when the request carries no signed-in user"));
        }

        if (errors.Count > 0)
        {
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "Invalid target", string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), errors);
        }

        var target = new KpiTarget(kpi, Scope(groupBy), key!, value, setBy!, time.GetUtcNow(), Text("note"));
        await targets.SetAsync(target, cancellationToken).ConfigureAwait(false);
        cachedTargets = null;
        return Results.Json(target, ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/targets/suggestions?kpi=&amp;groupBy=&amp;asOf=&amp;months=</c>.</summary>
    public async Task<IResult> SuggestTargetsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var snapshot = await insights.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var kpiName = q.OneOf("kpi", TargetKpi.All.Keys.ToList(), "dsoCountback");
        var groupBy = q.Enum("groupBy", KpiGroupBy.Collector);
        var asOf = q.Date("asOf") ?? insights.Today();
        var months = q.Int("months", 2, 24) ?? 6;
        if (q.Problem() is { } problem)
        {
            return problem;
        }

        var trend = await snapshot.CachedAsync($"trend|{asOf:yyyy-MM-dd}|{months}|{groupBy}", async () => (await snapshot.KpisAsync().ConfigureAwait(false)).Trend(asOf, months, groupBy)).ConfigureAwait(false);
        var suggestions = TargetSuggestions.Suggest(TargetKpi.All[kpiName], trend, snapshot.Rates.ReportingCurrency);
        return Results.Json(new TargetSuggestionsResponse(kpiName, groupBy, asOf, months, suggestions), ApiJson.Options);
    }

    /// <summary>Handles <c>PUT /api/rates</c> with a CSV body <c>date,currency,rate</c>; the table replaces the current one when valid.</summary>
    public async Task<IResult> PutRatesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var reader = new StreamReader(request.Body);
        var csv = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var table = await rates.SaveAsync(insights.Options.ReportingCurrency, csv, cancellationToken).ConfigureAwait(false);
            await insights.RefreshAsync(cancellationToken).ConfigureAwait(false);
            return Results.Json(new { table.ReportingCurrency, Rates = table.Count }, ApiJson.Options);
        }
        catch (FormatException ex)
        {
            return Problems.Field(StatusCodes.Status422UnprocessableEntity, "Invalid rates file", "body", ex.Message);
        }
    }

    /// <summary>How long this instance trusts its copy of the targets (another instance may have changed them).</summary>
    public static readonly TimeSpan TargetsTtl = TimeSpan.FromSeconds(5);

    private (IReadOnlyList<KpiTarget> List, DateTimeOffset ReadAt, long Version)? cachedTargets;
    private long targetsVersions;

    /// <summary>The current targets, re-read at most every <see cref="TargetsTtl"/> (at once after a change here), with a version for cache keys.</summary>
    private async Task<(IReadOnlyList<KpiTarget> List, long Version)> TargetsAsync(CancellationToken ct)
    {
        var known = cachedTargets;
        if (known is { } c && time.GetUtcNow() - c.ReadAt < TargetsTtl)
        {
            return (c.List, c.Version);
        }

        var list = await targets.ListAsync(cancellationToken: ct).ConfigureAwait(false);
        var version = known is { } old && old.List.SequenceEqual(list) ? old.Version : Interlocked.Increment(ref targetsVersions);
        cachedTargets = (list, time.GetUtcNow(), version);
        return (list, version);
    }

    private static string Scope(KpiGroupBy groupBy) => Camel(groupBy.ToString());

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static Dictionary<string, TargetStatus> TargetsOf(List<KpiTarget> set, KpiGroup group) =>
        set.Where(t => t.Key == group.Key).ToDictionary(
            t => t.Kpi,
            t => new TargetStatus(t.Value, t.SetBy, t.SetAt, t.Note, TargetKpi.All[t.Kpi].Read(group.Values) is { } v ? TargetKpi.All[t.Kpi].Meets(v, t.Value) : null),
            StringComparer.Ordinal);

    internal static SnapshotInfo Info(InsightsSnapshot s) => new(s.Version, s.LoadedAt, s.Events.Count);
}
