using System.Globalization;
using CollectionsFx.Api.Http;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Domain.Mining;
using CollectionsFx.Domain.Mining.Interchange;
using CollectionsFx.Storage.Ledger;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Insights;

/// <summary>Process mining over HTTP: variants, process map, statistics, and the event log export.</summary>
public sealed class MiningHandler(InsightsService insights, ILedgerStore ledger, Scoring.ScoreCache scores)
{
    private static readonly string[] Views = ["frequency", "performance"];
    private static readonly string[] Formats = ["xes", "ocel"];

    /// <summary>Handles <c>GET /api/mining/variants</c> (filters, <c>limit</c>).</summary>
    public async Task<IResult> VariantsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var limit = q.Int("limit", 1, 100_000) ?? 100;
        var (index, filter) = await ReadAsync(q, cancellationToken).ConfigureAwait(false);
        if (q.Problem() is { } problem)
        {
            return problem;
        }

        var cases = filter.Apply(index);
        var variants = index.Summarize(cases);
        return Results.Json(new VariantsResponse(cases.Length, variants.Count, [.. variants.Take(limit)]), ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/mining/dfg?view=frequency|performance</c> (filters).</summary>
    public async Task<IResult> DfgAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var view = q.OneOf("view", Views, "frequency");
        var (index, filter) = await ReadAsync(q, cancellationToken).ConfigureAwait(false);
        if (q.Problem() is { } problem)
        {
            return problem;
        }

        var graph = DirectlyFollows.Compute(index.Log, filter.Apply(index), view == "performance");
        return Results.Json(new ProcessMapResponse(view, graph.Cases, graph.Activities, graph.Edges, graph.StartActivities, graph.EndActivities), ApiJson.Options);
    }

    /// <summary>Handles <c>GET /api/mining/stats</c> (filters): activities, resources, rework, throughput.</summary>
    public async Task<IResult> StatsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var (index, filter) = await ReadAsync(q, cancellationToken).ConfigureAwait(false);
        return q.Problem() ?? Results.Json(LogStatistics.Compute(index, filter.Apply(index)), ApiJson.Options);
    }

    /// <summary>
    /// Handles <c>GET /api/eventlog/export?format=xes|ocel&amp;gzip=</c>. Streams from storage customer by customer (the
    /// store returns one partition after the other), so the whole log is never in memory.
    /// </summary>
    public Task<IResult> ExportAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var q = new QueryReader(request);
        var format = q.OneOf("format", Formats, "xes");
        var gzip = q.Bool("gzip");
        if (q.Problem() is { } problem)
        {
            return Task.FromResult(problem);
        }

        var name = "collectionsfx-eventlog." + (format == "xes" ? "xes" : "jsonocel") + (gzip ? ".gz" : string.Empty);
        var contentType = gzip ? "application/gzip" : format == "xes" ? "application/xml" : "application/json";
        return Task.FromResult(Results.Stream(
            async output =>
            {
                if (format == "xes")
                {
                    await WriteXesAsync(output, gzip, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await using var target = gzip ? new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true) : output;
                    await Ocel.WriteAsync(target, OcelEvents(cancellationToken), cancellationToken).ConfigureAwait(false);
                }
            },
            contentType,
            name));
    }

    private async Task WriteXesAsync(Stream output, bool gzip, CancellationToken ct)
    {
        // XmlWriter writes synchronously: buffer each customer's traces and copy them out asynchronously.
        using var buffer = new MemoryStream();
        var writer = new Xes.Writer(buffer, gzip);
        var customer = (string?)null;
        var cases = new Dictionary<string, List<MiningEvent>>(StringComparer.Ordinal);
        async Task FlushCustomerAsync()
        {
            foreach (var (caseId, events) in cases)
            {
                writer.WriteTrace(caseId, [new("customerId", customer!)], events.OrderBy(e => e.Timestamp));
            }

            cases.Clear();
            writer.Flush();
            await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct).ConfigureAwait(false);
            buffer.SetLength(0);
        }

        await foreach (var e in ledger.ReadLogAsync(null, ct).ConfigureAwait(false))
        {
            if (e.ObjectType != "invoice")
            {
                continue;
            }

            if (customer is not null && e.CustomerId != customer)
            {
                await FlushCustomerAsync().ConfigureAwait(false);
            }

            customer = e.CustomerId;
            if (!cases.TryGetValue(e.CaseId, out var list))
            {
                cases[e.CaseId] = list = [];
            }

            list.Add(new MiningEvent(e.CaseId, e.Activity, e.Timestamp, e.Resource));
        }

        if (customer is not null)
        {
            await FlushCustomerAsync().ConfigureAwait(false);
        }

        writer.Dispose();
        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<OcelEvent> OcelEvents([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        long n = 0;
        await foreach (var e in ledger.ReadLogAsync(null, ct).ConfigureAwait(false))
        {
            var attributes = new List<KeyValuePair<string, string>> { new("resource", e.Resource) };
            if (e.Amount is { } amount)
            {
                attributes.Add(new("amount", amount.ToString(CultureInfo.InvariantCulture)));
                attributes.Add(new("currency", e.Currency ?? string.Empty));
            }

            if (e.OldValue is not null)
            {
                attributes.Add(new("oldValue", e.OldValue));
            }

            if (e.NewValue is not null)
            {
                attributes.Add(new("newValue", e.NewValue));
            }

            IReadOnlyList<OcelRelationship> relationships = e.ObjectType == "customer"
                ? [new OcelRelationship(e.CustomerId, "customer", "customer")]
                : [new OcelRelationship(e.CaseId, e.ObjectType, e.ObjectType), new OcelRelationship(e.CustomerId, "customer", "customer")];
            yield return new OcelEvent("e" + (++n).ToString(CultureInfo.InvariantCulture), e.Activity, e.Timestamp, attributes, relationships);
        }
    }

    private async Task<(VariantIndex Index, MiningFilter Filter)> ReadAsync(QueryReader q, CancellationToken ct)
    {
        var snapshot = await insights.CurrentAsync(ct).ConfigureAwait(false);
        var index = await snapshot.VariantsAsync().ConfigureAwait(false);
        var from = q.Date("from");
        var to = q.Date("to");
        var attributes = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var name in LedgerMining.Attributes)
        {
            if (q.List(name) is { Count: > 0 } values)
            {
                attributes[name] = values.ToHashSet(StringComparer.Ordinal);
            }
        }

        // Risk bands come from the newest scores (an invoice never scored is "unscored").
        Func<string, bool>? inBands = null;
        if (q.List("riskBand") is { Count: > 0 } bands)
        {
            var unknown = bands.Where(b => b is not ("low" or "medium" or "high" or "unscored")).ToList();
            if (unknown.Count > 0)
            {
                q.Fail("riskBand", $"'{string.Join(", ", unknown)}' is not one of: low, medium, high, unscored");
            }

            var (likelihoods, _) = await scores.GetAsync(ct).ConfigureAwait(false);
            var wanted = bands.ToHashSet(StringComparer.Ordinal);
            inBands = id => wanted.Contains(likelihoods.TryGetValue(id, out var p) ? Domain.Scoring.FeatureBuilder.RiskBand(p) : "unscored");
        }

        var filter = new MiningFilter
        {
            From = from is { } f ? snapshot.Calendar.EndOf(f.AddDays(-1)) : null,
            To = to is { } t ? snapshot.Calendar.EndOf(t) : null,
            Attributes = attributes,
            VariantId = q.Int("variant", 1, int.MaxValue),
            WithActivities = q.List("with"),
            WithoutActivities = q.List("without"),
            CaseIds = inBands,
        };
        foreach (var activity in filter.WithActivities.Concat(filter.WithoutActivities).Where(a => !index.Log.ActivityNames.Contains(a) && !Activities.Vocabulary.Contains(a)))
        {
            q.Fail(filter.WithActivities.Contains(activity) ? "with" : "without", $"'{activity}' is not an activity of the log or of the vocabulary");
        }

        return (index, filter);
    }
}
