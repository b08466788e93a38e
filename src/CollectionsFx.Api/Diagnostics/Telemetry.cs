using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CollectionsFx.Api.Diagnostics;

/// <summary>
/// CollectionsFx's OpenTelemetry sources: spans (<see cref="Source"/>) and metrics (<see cref="Meter"/>), both named
/// <see cref="Name"/>, exported by whichever host runs the code (Azure Monitor in the Functions app, OTLP or the console in
/// the local host). One correlation id runs from a webhook to the mail or CRM case it causes: the W3C trace of the webhook's
/// request, carried as a <c>traceparent</c> through the rescore queue message, the dunning signal or promise follow-up input
/// and the activity's request (queues and orchestrations are not HTTP, so the context travels in the data), and written into
/// each mail as <see cref="CorrelationHeader"/>.
/// </summary>
public static class Telemetry
{
    public const string Name = "CollectionsFx";

    /// <summary>The mail header that carries the correlation id (the trace id) of what caused the mail.</summary>
    public const string CorrelationHeader = "X-Correlation-Id";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Webhook events by outcome (applied, unchanged, stale, rejected).</summary>
    public static readonly Counter<long> IngestedEvents = Meter.CreateCounter<long>("cfx.ingest.events", "{event}", "Webhook events by outcome");

    /// <summary>Mails by outcome (sent, already sent, failed).</summary>
    public static readonly Counter<long> Mails = Meter.CreateCounter<long>("cfx.mail.messages", "{message}", "Mails by outcome");

    /// <summary>Dead letters written, by source (a webhook source, csv:…, outbound).</summary>
    public static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>("cfx.deadletters", "{letter}", "Dead letters written, by source");

    /// <summary>The current trace as a W3C <c>traceparent</c> to carry in data, or null outside a trace.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>The trace id of a <c>traceparent</c> (the correlation id), or null when there is none or it is malformed.</summary>
    public static string? CorrelationId(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    /// <summary>
    /// Starts a span continuing <paramref name="traceParent"/> (data carried across a queue or an orchestration) and linking
    /// <paramref name="links"/> (other messages handled together); null when nobody listens.
    /// </summary>
    public static Activity? StartFrom(string name, string? traceParent, IEnumerable<string?>? links = null, ActivityKind kind = ActivityKind.Consumer)
    {
        var parent = traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        var linked = (links ?? []).Where(l => l is not null && l != traceParent)
            .Select(l => ActivityContext.TryParse(l, null, out var c) ? new ActivityLink(c) : default).Where(l => l.Context != default).ToList();
        return Source.StartActivity(name, kind, parent, links: linked);
    }
}
