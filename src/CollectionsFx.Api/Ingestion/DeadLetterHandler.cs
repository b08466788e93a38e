using System.Text.Json;
using CollectionsFx.Api.Http;
using CollectionsFx.Api.Imports;
using CollectionsFx.Storage.Blobs;
using Microsoft.AspNetCore.Http;

namespace CollectionsFx.Api.Ingestion;

/// <summary>Lists dead letters and replays them, as stored or with a corrected event in the request body.</summary>
public sealed class DeadLetterHandler(IDeadLetterStore store, IngestionService ingestion, TimeProvider time)
{
    /// <summary>Handles <c>GET /api/deadletters</c>.</summary>
    public async Task<IResult> ListAsync(CancellationToken cancellationToken)
    {
        var letters = new List<DeadLetter>();
        await foreach (var letter in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(letter);
        }

        return Results.Json(letters, IngestionJson.Options);
    }

    /// <summary>Handles <c>POST /api/deadletters/{id}/replay</c>. A non-empty body replaces the stored event.</summary>
    public async Task<IResult> ReplayAsync(HttpRequest request, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var letter = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (letter is null)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Unknown dead letter", "id", $"no pending dead letter '{id}'");
        }

        if (letter.EventType == CsvDeadLetter.MediaType)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Not replayable here", "id",
                "rows of an extract are replayed by importing the corrected file again (same file: nothing doubles; see the letter's errors for the lines)");
        }

        if (letter.EventType == Dunning.UndeliveredNotices.MediaType)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Not replayable here", "id",
                "an undelivered notice is offered again by its dunning cycle every playbook hour; it leaves this list once delivered");
        }

        using var reader = new StreamReader(request.Body);
        var corrected = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var payload = string.IsNullOrWhiteSpace(corrected) ? letter.Payload : corrected;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException ex)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Malformed JSON", "body", $"is not valid JSON (line {ex.LineNumber + 1})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Malformed event", "body", "must be one CloudEvent as a JSON object");
            }

            var outcome = (await ingestion.ProcessAsync(letter.Source, time.GetUtcNow(), [document.RootElement], cancellationToken, deadLetterRejected: false).ConfigureAwait(false))[0];
            if (outcome.Outcome == Outcome.Rejected)
            {
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, "Invalid event", "The replayed event is still invalid; the dead letter stays pending.", outcome.Errors);
            }

            await store.MarkReplayedAsync(id, cancellationToken).ConfigureAwait(false);
            return Results.Json(outcome, IngestionJson.Options);
        }
    }
}
