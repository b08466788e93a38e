using System.Text;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Scoring;

/// <summary>Bad bodies of the scoring and model routes get a problem naming the field; nothing is started or changed.</summary>
[Collection(StackCollection.Name)]
public sealed class ScoringInputTests(StackFixture stack)
{
    [Theory]
    [InlineData("/api/scoring/runs", """{"asOf":"4 Dec"}""", 422, "asOf")]
    [InlineData("/api/scoring/runs", """{"asOf":20261204}""", 422, "asOf")]
    [InlineData("/api/scoring/runs", """{"asOf":""", 400, "body")]
    [InlineData("/api/scoring/runs", "[1]", 400, "body")]
    [InlineData("/api/models/train", """{"splitDate":true}""", 422, "splitDate")]
    [InlineData("/api/models/rollback", """{"version":3}""", 422, "version")]
    public async Task A_bad_body_is_a_problem_naming_the_field(string route, string body, int status, string field)
    {
        var response = await stack.Client.PostAsync(route, new StringContent(body, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(status, field);
    }
}
