using CollectionsFx.Domain.Webhooks;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.Domain.Ledger;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage.Blobs;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Ingestion;

[Collection(StackCollection.Name)]
public sealed class WebhookTests(StackFixture stack)
{
    private ILedgerStore Ledger => stack.Services.GetRequiredService<ILedgerStore>();

    private IDeadLetterStore DeadLetters => stack.Services.GetRequiredService<IDeadLetterStore>();

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private Task<List<LedgerEvent>> LogAsync(string customerId) => Ledger.ReadLogAsync(customerId).CollectAsync();

    private async Task<List<DeadLetter>> DeadLettersForAsync(string needle) =>
        [.. (await DeadLetters.ListAsync().CollectAsync()).Where(d => d.Payload.Contains(needle, StringComparison.Ordinal))];

    [Fact]
    public async Task Valid_invoice_event_is_applied_to_the_ledger_and_logged()
    {
        var customer = NewId("C");
        var response = await stack.PostAsync(Events.Single(EventTypes.Invoice, Events.Invoice("INV-1", customer, 1234.50m)));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("applied", (await response.JsonAsync()).GetProperty("outcome").GetString());
        var invoice = (await Ledger.LoadAsync(customer)).Invoice("INV-1");
        Assert.Equal(1234.50m, invoice!.OpenAmount);
        Assert.Equal(Activities.CreateInvoice, Assert.Single(await LogAsync(customer)).Activity);
    }

    [Fact]
    public async Task Same_event_id_twice_has_one_effect_and_the_second_response_says_duplicate()
    {
        var customer = NewId("C");
        var body = Events.Single(EventTypes.Payment, Events.Payment("P-1", customer, 100m), id: "evt-dup-" + customer);

        var first = await (await stack.PostAsync(body)).JsonAsync();
        var second = await stack.PostAsync(body);

        Assert.Equal("applied", first.GetProperty("outcome").GetString());
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal("duplicate", (await second.JsonAsync()).GetProperty("outcome").GetString());
        Assert.Single(await LogAsync(customer));
    }

    [Fact]
    public async Task Older_version_of_an_entity_is_reported_stale_and_changes_nothing()
    {
        var customer = NewId("C");
        var newer = Events.Invoice("INV-V", customer, 500m);
        newer["version"] = 7;
        var older = Events.Invoice("INV-V", customer, 900m);
        older["version"] = 3;

        await stack.PostAsync(Events.Single(EventTypes.Invoice, newer));
        var response = await (await stack.PostAsync(Events.Single(EventTypes.Invoice, older))).JsonAsync();

        Assert.Equal("stale", response.GetProperty("outcome").GetString());
        Assert.Equal(500m, (await Ledger.LoadAsync(customer)).Invoice("INV-V")!.Invoice.Amount);
    }

    [Fact]
    public async Task Malformed_json_is_400_naming_the_body_and_is_dead_lettered()
    {
        var marker = NewId("broken");
        var response = await stack.PostAsync("{\"specversion\":\"1.0\",\"id\":\"" + marker + "\",");

        var problem = await response.AssertProblemAsync(400, "body");
        var deadLetterId = problem.GetProperty("deadLetterId").GetString();
        var letter = Assert.Single(await DeadLettersForAsync(marker));
        Assert.Equal(deadLetterId, letter.Id);
        Assert.Equal("Malformed JSON", letter.Reason);
    }

    public static TheoryData<string, string> BadSignatures => new()
    {
        { "missing", "is missing" },
        { "garbage", "must be 't=" },
        { "wrong", "does not match" },
        { "stale", "replay" },
        { "future", "replay" },
    };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task Missing_invalid_or_stale_signature_is_401_and_nothing_is_applied(string kind, string expected)
    {
        var customer = NewId("C");
        var body = Events.Single(EventTypes.Invoice, Events.Invoice("INV-S", customer));
        var bytes = Encoding.UTF8.GetBytes(body);
        var signature = kind switch
        {
            "missing" => "",
            "garbage" => "sha256=abc",
            "wrong" => WebhookSignature.Sign("another-secret", DateTimeOffset.UtcNow, bytes),
            "stale" => WebhookSignature.Sign(StackFixture.Secret, DateTimeOffset.UtcNow.AddMinutes(-6), bytes),
            _ => WebhookSignature.Sign(StackFixture.Secret, DateTimeOffset.UtcNow.AddMinutes(6), bytes),
        };

        var response = await stack.PostAsync(body, signature: signature);

        var problem = await response.AssertProblemAsync(401, WebhookSignature.Header);
        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await LogAsync(customer));
    }

    [Fact]
    public async Task Signature_over_a_different_body_is_401_and_nothing_is_applied()
    {
        var customer = NewId("C");
        var body = Events.Single(EventTypes.Invoice, Events.Invoice("INV-T", customer));
        var signature = WebhookSignature.Sign(StackFixture.Secret, DateTimeOffset.UtcNow, Encoding.UTF8.GetBytes(body + " "));

        await (await stack.PostAsync(body, signature: signature)).AssertProblemAsync(401, WebhookSignature.Header);
        Assert.Empty(await LogAsync(customer));
    }

    [Fact]
    public async Task Unknown_source_is_401_and_nothing_is_applied()
    {
        var customer = NewId("C");
        var body = Events.Single(EventTypes.Invoice, Events.Invoice("INV-U", customer));

        await (await stack.PostAsync(body, source: "nobody")).AssertProblemAsync(401, "source");
        Assert.Empty(await LogAsync(customer));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Unsupported_media_type_is_415_and_nothing_is_applied(string contentType)
    {
        var customer = NewId("C");
        var body = Events.Single(EventTypes.Invoice, Events.Invoice("INV-M", customer));

        await (await stack.PostAsync(body, contentType)).AssertProblemAsync(415, "Content-Type");
        Assert.Empty(await LogAsync(customer));
    }

    [Fact]
    public async Task Body_over_one_mebibyte_is_413()
    {
        var customer = NewId("C");
        var data = Events.Customer(customer);
        data["name"] = new string('x', 1024 * 1024);

        var response = await stack.PostAsync(Events.Single(EventTypes.Customer, data));

        await response.AssertProblemAsync(413, "body");
        Assert.Empty(await LogAsync(customer));
    }

    public static TheoryData<string, string, string> InvalidEvents => new()
    {
        { "unknown type", """{"specversion":"1.0","id":"x1","source":"urn:{C}","type":"com.example.unknown","data":{"customerId":"{C}"}}""", "type" },
        { "wrong specversion", """{"specversion":"0.3","id":"x2","source":"urn:{C}","type":"com.collectionsfx.invoice.upserted","data":{}}""", "specversion" },
        { "no id", """{"specversion":"1.0","source":"urn:{C}","type":"com.collectionsfx.invoice.upserted","data":{}}""", "id" },
        { "no data", """{"specversion":"1.0","id":"x3","source":"urn:{C}","type":"com.collectionsfx.invoice.upserted"}""", "data" },
        { "invalid currency", Invoice("""{"currency":"EURO"}"""), "data.currency" },
        { "unknown currency", Invoice("""{"currency":"XYZ"}"""), "data.currency" },
        { "due before issue", Invoice("""{"dueDate":"2026-09-01"}"""), "data.dueDate" },
        { "negative amount", Invoice("""{"amount":-5}"""), "data.amount" },
        { "amount not a number", Invoice("""{"amount":"12"}"""), "data.amount" },
        { "missing customer", Invoice("""{"customerId":null}"""), "data.customerId" },
        { "bad date", Invoice("""{"issueDate":"01/10/2026"}"""), "data.issueDate" },
        { "bad time", """{"specversion":"1.0","id":"x4","source":"urn:{C}","type":"com.collectionsfx.invoice.upserted","time":"yesterday","data":{}}""", "time" },
    };

    // An invoice event (for customer {C}) with some data fields replaced.
    private static string Invoice(string overrides)
    {
        var data = Events.Invoice("INV-X", "{C}");
        foreach (var (key, value) in JsonNode.Parse(overrides)!.AsObject())
        {
            data[key] = value?.DeepClone();
        }

        return JsonSerializer.Serialize(new JsonObject
        {
            ["specversion"] = "1.0", ["id"] = "x-" + Guid.NewGuid().ToString("N"), ["source"] = "urn:{C}", ["type"] = EventTypes.Invoice, ["data"] = data,
        });
    }

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public async Task Invalid_event_is_422_naming_the_field_dead_lettered_and_not_applied(string why, string template, string field)
    {
        var customer = NewId("C");
        var response = await stack.PostAsync(template.Replace("{C}", customer, StringComparison.Ordinal));

        var problem = await response.AssertProblemAsync(422, field);
        var letter = Assert.Single(await DeadLettersForAsync(customer));
        Assert.Equal(problem.GetProperty("deadLetterId").GetString(), letter.Id);
        Assert.Contains(letter.Errors, e => e.Field == field);
        Assert.True(letter.Reason.Length > 0, why);
        Assert.Empty(await LogAsync(customer));
    }

    [Fact]
    public async Task Batch_applies_valid_items_dead_letters_the_rest_and_a_resend_doubles_nothing()
    {
        var customer = NewId("C");
        var bad = Events.Invoice("INV-B2", customer);
        bad["currency"] = "EURO";
        var body = Events.Batch(
        [
            (EventTypes.Customer, Events.Customer(customer), customer + "-e1"),
            (EventTypes.Invoice, Events.Invoice("INV-B1", customer, 300m), customer + "-e2"),
            (EventTypes.Invoice, bad, customer + "-e3"),
            (EventTypes.Payment, Events.Payment("PAY-B1", customer, 300m, ("INV-B1", 300m)), customer + "-e4"),
        ]);

        var first = await stack.PostAsync(body, IngestionService.BatchMediaType);
        var firstJson = await first.JsonAsync();
        var logAfterFirst = await LogAsync(customer);
        var second = await (await stack.PostAsync(body, IngestionService.BatchMediaType)).JsonAsync();

        Assert.Equal(207, (int)first.StatusCode);
        Assert.Equal((3, 1), (firstJson.GetProperty("accepted").GetInt32(), firstJson.GetProperty("rejected").GetInt32()));
        Assert.Equal(["applied", "applied", "rejected", "applied"], Outcomes(firstJson));
        Assert.Equal("data.currency", firstJson.GetProperty("items")[2].GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(["duplicate", "duplicate", "rejected", "duplicate"], Outcomes(second));
        Assert.Equal(3, second.GetProperty("duplicates").GetInt32());
        Assert.Equal(logAfterFirst.Count, (await LogAsync(customer)).Count);
        Assert.Equal(InvoiceStatus.Paid, (await Ledger.LoadAsync(customer)).Invoice("INV-B1")!.Status);
        Assert.Equal(2, (await DeadLettersForAsync(customer)).Count);
    }

    [Fact]
    public async Task Dead_letter_can_be_listed_and_replayed_with_a_corrected_event()
    {
        var customer = NewId("C");
        var data = Events.Invoice("INV-R", customer);
        data["currency"] = "EURO";
        var rejected = await (await stack.PostAsync(Events.Single(EventTypes.Invoice, data, id: customer + "-r"))).JsonAsync();
        var id = rejected.GetProperty("deadLetterId").GetString()!;

        var listed = await (await stack.Client.GetAsync(new Uri("/api/deadletters", UriKind.Relative))).JsonAsync();
        Assert.Contains(listed.EnumerateArray(), d => d.GetProperty("id").GetString() == id);

        var stillBad = await stack.Client.PostAsync(new Uri($"/api/deadletters/{id}/replay", UriKind.Relative), new StringContent(""));
        await stillBad.AssertProblemAsync(422, "data.currency");

        data["currency"] = "EUR";
        var fixedBody = new StringContent(Events.Single(EventTypes.Invoice, data, id: customer + "-r"));
        var replayed = await stack.Client.PostAsync(new Uri($"/api/deadletters/{id}/replay", UriKind.Relative), fixedBody);

        Assert.Equal(200, (int)replayed.StatusCode);
        Assert.Equal("applied", (await replayed.JsonAsync()).GetProperty("outcome").GetString());
        Assert.NotNull((await Ledger.LoadAsync(customer)).Invoice("INV-R"));
        Assert.Empty(await DeadLettersForAsync(customer));
        var again = await stack.Client.PostAsync(new Uri($"/api/deadletters/{id}/replay", UriKind.Relative), new StringContent(""));
        await again.AssertProblemAsync(404, "id");
    }

    private static List<string?> Outcomes(JsonElement batch) =>
        [.. batch.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("outcome").GetString())];
}
