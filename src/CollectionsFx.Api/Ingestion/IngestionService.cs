using CollectionsFx.Domain.Webhooks;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;
using CollectionsFx.Storage.Scoring;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Ingestion;

/// <summary>
/// Takes CloudEvents from ERP/CRM webhooks into the ledger: checks size, media type and signature, keeps the
/// raw body, validates every event, dead-letters the rejected ones and commits the rest exactly once.
/// </summary>
public sealed partial class IngestionService(
    ILedgerStore ledger,
    IDeadLetterStore deadLetters,
    IRawPayloadStore rawPayloads,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<IngestionService> logger,
    IRescoreRequests? rescore = null)
{
    /// <summary>What a dead-lettered input logs (the alert on growing dead letters, infra/modules/alerts.bicep, counts it).</summary>
    public const string DeadLetterLogTemplate = "Dead letter {DeadLetterId} from {Source}: {Reason}";

    /// <summary>Media type of one structured-mode CloudEvent.</summary>
    public const string SingleMediaType = "application/cloudevents+json";

    /// <summary>Media type of a batch of CloudEvents.</summary>
    public const string BatchMediaType = "application/cloudevents-batch+json";

    /// <summary>Handles <c>POST /api/ingest/{source}</c>.</summary>
    public async Task<IResult> IngestAsync(HttpRequest request, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var opts = options.Value;
        var now = time.GetUtcNow();

        if (request.ContentLength > opts.MaxBodyBytes)
        {
            return TooLarge(opts);
        }

        var batch = MediaTypeHeaderValue.TryParse(request.ContentType, out var mt) ? mt.MediaType?.ToLowerInvariant() switch
        {
            SingleMediaType => false,
            BatchMediaType => true,
            _ => (bool?)null,
        } : null;
        if (batch is null)
        {
            return Problems.Field(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Content-Type", $"must be {SingleMediaType} or {BatchMediaType}");
        }

        var body = await ReadBodyAsync(request.Body, opts.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return TooLarge(opts);
        }

        if (!opts.Secrets.TryGetValue(source, out var secret) || string.IsNullOrEmpty(secret))
        {
            return Problems.Field(StatusCodes.Status401Unauthorized, "Unknown source", "source", $"no secret is configured for source '{source}'");
        }

        if (WebhookSignature.Verify(request.Headers[WebhookSignature.Header], secret, body, now, opts.SignatureTolerance) is { } signatureError)
        {
            Log.SignatureRejected(logger, source, signatureError);
            return Problems.Field(StatusCodes.Status401Unauthorized, "Invalid signature", WebhookSignature.Header, signatureError);
        }

        // The raw body is kept in parallel with processing; the response waits for both, so a sender that sees
        // success knows its request is kept, and a failure of either makes it retry (idempotent).
        var requestId = Guid.NewGuid().ToString("N");
        var keepRaw = rawPayloads.SaveAsync(source, requestId, now, BinaryData.FromBytes(body), request.ContentType!, cancellationToken);
        IResult result;
        try
        {
            result = await ProcessBodyAsync(source, now, body, batch.Value, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await keepRaw.ConfigureAwait(false);
        }

        return result;
    }

    private async Task<IResult> ProcessBodyAsync(string source, DateTimeOffset now, byte[] body, bool batch, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            var error = new FieldError("body", $"is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
            var id = await DeadLetterAsync(source, now, "Malformed JSON", [error], null, null, System.Text.Encoding.UTF8.GetString(body), cancellationToken).ConfigureAwait(false);
            return Problems.Create(StatusCodes.Status400BadRequest, "Malformed JSON", $"{error.Field}: {error.Message}", [error], new Dictionary<string, object?> { ["deadLetterId"] = id });
        }

        using (document)
        {
            var root = document.RootElement;
            if (batch && root.ValueKind != JsonValueKind.Array)
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Malformed batch", "body", "a batch must be a JSON array of CloudEvents");
            }

            if (!batch && root.ValueKind != JsonValueKind.Object)
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Malformed event", "body", "must be one CloudEvent as a JSON object");
            }

            if (batch && root.GetArrayLength() == 0)
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Empty batch", "body", "a batch must hold at least one CloudEvent");
            }

            var elements = batch ? root.EnumerateArray().ToList() : [root];
            var outcomes = await ProcessAsync(source, now, elements, cancellationToken).ConfigureAwait(false);
            if (!batch)
            {
                var single = outcomes[0];
                return single.Outcome == Outcome.Rejected
                    ? Problems.Create(StatusCodes.Status422UnprocessableEntity, "Invalid event", string.Join("; ", single.Errors!.Select(e => $"{e.Field}: {e.Message}")), single.Errors, new Dictionary<string, object?> { ["deadLetterId"] = single.DeadLetterId, ["eventId"] = single.Id })
                    : Results.Json(single, IngestionJson.Options);
            }

            var rejected = outcomes.Count(o => o.Outcome == Outcome.Rejected);
            var response = new BatchResponse(
                outcomes.Count - rejected,
                rejected,
                outcomes.Count(o => o.Outcome == Outcome.Duplicate),
                outcomes);
            return Results.Json(response, IngestionJson.Options, statusCode: rejected == 0 ? StatusCodes.Status200OK : StatusCodes.Status207MultiStatus);
        }
    }

    /// <summary>
    /// Validates and commits events already authenticated (webhook items, replayed dead letters).
    /// Rejected events are dead-lettered unless <paramref name="deadLetterRejected"/> is false.
    /// </summary>
    public async Task<IReadOnlyList<ItemOutcome>> ProcessAsync(
        string source, DateTimeOffset receivedAt, IReadOnlyList<JsonElement> elements, CancellationToken cancellationToken, bool deadLetterRejected = true)
    {
        ArgumentNullException.ThrowIfNull(elements);
        // Within the webhook request's trace (ASP.NET Core continues the sender's traceparent): its id is the correlation id.
        using var span = Diagnostics.Telemetry.Source.StartActivity("ingest");
        span?.SetTag("cfx.source", source);
        span?.SetTag("cfx.events", elements.Count);
        var outcomes = new ItemOutcome[elements.Count];
        var valid = new List<(int Index, IncomingRecord Item)>();
        for (var i = 0; i < elements.Count; i++)
        {
            var parsed = CloudEventMapper.Map(elements[i], receivedAt, source);
            if (parsed.Errors.Count > 0)
            {
                var id = deadLetterRejected
                    ? await DeadLetterAsync(source, receivedAt, "Invalid event", parsed.Errors, parsed.EventId, parsed.EventType, elements[i].GetRawText(), cancellationToken).ConfigureAwait(false)
                    : null;
                outcomes[i] = new ItemOutcome(i, parsed.EventId, Outcome.Rejected, parsed.Errors, id);
            }
            else
            {
                valid.Add((i, new IncomingRecord(parsed.Record!, parsed.DedupeKey)));
                outcomes[i] = new ItemOutcome(i, parsed.EventId, Outcome.Applied);
            }
        }

        var committed = await ledger.CommitByCustomerAsync([.. valid.Select(v => v.Item)], cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < valid.Count; k++)
        {
            outcomes[valid[k].Index] = outcomes[valid[k].Index] with { Outcome = (Outcome)committed[k] };
        }

        // Changed ledgers are scored again within seconds (the rescore queue); customer master data alone does not move a score.
        var changed = valid.Where((v, k) => (CommitOutcome)committed[k] == CommitOutcome.Applied && v.Item.Record is not (CustomerRecord or ContactRecord))
            .Select(v => v.Item.Record.CustomerId).Distinct(StringComparer.Ordinal).ToList();
        if (rescore is not null && changed.Count > 0)
        {
            try
            {
                await rescore.RequestAsync(new RescoreRequest(changed, time.GetUtcNow(), Diagnostics.Telemetry.CurrentTraceParent()), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The events are committed: failing the request would only make the sender retry into duplicates. The
                // nightly run scores these customers anyway.
                Log.RescoreNotRequested(logger, changed.Count, ex);
            }
        }

        foreach (var group in outcomes.GroupBy(o => o.Outcome))
        {
            Diagnostics.Telemetry.IngestedEvents.Add(group.Count(), new KeyValuePair<string, object?>("outcome", group.Key.ToString().ToLowerInvariant()));
        }

        Log.Ingested(logger, source, elements.Count, valid.Count);
        return outcomes;
    }

    private static IResult TooLarge(IngestionOptions opts) =>
        Problems.Field(StatusCodes.Status413PayloadTooLarge, "Body too large", "body", $"must be at most {opts.MaxBodyBytes.ToString(CultureInfo.InvariantCulture)} bytes");

    private static async Task<byte[]?> ReadBodyAsync(Stream body, int max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }

    private Task<string> DeadLetterAsync(string source, DateTimeOffset at, string reason, IReadOnlyList<FieldError> errors, string? eventId, string? eventType, string payload, CancellationToken ct)
    {
        var id = DeadLetter.NewId(at);
        return deadLetters.AddAsync(new DeadLetter(id, source, at, reason, errors, eventId, eventType, payload), ct);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Webhook from {Source} rejected: {Reason}")]
        public static partial void SignatureRejected(ILogger logger, string source, string reason);

        [LoggerMessage(3, LogLevel.Debug, "Ingested {Count} events from {Source}, {Valid} valid")]
        public static partial void Ingested(ILogger logger, string source, int count, int valid);

        [LoggerMessage(4, LogLevel.Warning, "Could not ask for {Customers} changed customers to be scored again; the nightly run will score them.")]
        public static partial void RescoreNotRequested(ILogger logger, int customers, Exception exception);
    }
}
