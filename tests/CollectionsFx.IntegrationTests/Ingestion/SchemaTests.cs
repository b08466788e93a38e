using System.Text.Json;
using System.Text.Json.Nodes;
using CollectionsFx.Api.Ingestion;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Ingestion;

/// <summary>The published schemas and the validator agree: every field a schema requires is required by the API.</summary>
[Collection(StackCollection.Name)]
public sealed class SchemaTests(StackFixture stack)
{
    [Fact]
    public async Task Every_event_type_has_a_published_schema()
    {
        var list = await (await stack.Client.GetAsync(new Uri("/api/schemas", UriKind.Relative))).JsonAsync();

        Assert.Equal(EventTypes.All, list.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        foreach (var type in EventTypes.All)
        {
            var schema = await (await stack.Client.GetAsync(new Uri($"/api/schemas/{type}", UriKind.Relative))).JsonAsync();
            Assert.Equal(type, schema.GetProperty("properties").GetProperty("type").GetProperty("const").GetString());
        }
    }

    [Fact]
    public async Task Unknown_schema_is_404_problem()
    {
        await (await stack.Client.GetAsync(new Uri("/api/schemas/com.example.nope", UriKind.Relative))).AssertProblemAsync(404, "type");
    }

    public static TheoryData<string, string> RequiredFields()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in EventTypes.All)
        {
            var schema = JsonDocument.Parse(SchemaCatalog.Find(type)!).RootElement;
            foreach (var field in schema.GetProperty("properties").GetProperty("data").GetProperty("required").EnumerateArray())
            {
                data.Add(type, field.GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public async Task Field_the_schema_requires_is_rejected_when_missing(string type, string field)
    {
        var data = Events.Sample(type);
        data.Remove(field);

        var response = await stack.PostAsync(Events.Single(type, data));

        await response.AssertProblemAsync(422, "data." + field);
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task Sample_of_each_type_is_accepted(string type)
    {
        var response = await stack.PostAsync(Events.Single(type, Events.Sample(type)));

        Assert.Equal(200, (int)response.StatusCode);
    }

    public static TheoryData<string> Types() => new(EventTypes.All);

    [Fact]
    public void Schemas_are_valid_json_with_the_cloudevents_envelope()
    {
        foreach (var type in EventTypes.All)
        {
            var schema = JsonNode.Parse(SchemaCatalog.Find(type)!)!;
            Assert.Equal(["specversion", "id", "source", "type", "data"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        }
    }
}
