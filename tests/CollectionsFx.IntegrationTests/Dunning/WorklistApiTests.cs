using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CollectionsFx.Cli.Demo;
using CollectionsFx.IntegrationTests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Dunning;

/// <summary>The worklist and next-best action over HTTP on a demo company, with the roles that limit who sees and does what.</summary>
[Collection(StackCollection.Name)]
public sealed class WorklistApiTests(StackFixture stack)
{
    [Fact]
    public async Task The_worklist_ranks_by_value_at_stake_and_a_next_best_action_is_executed_once()
    {
        await using var sink = new SmtpSink();
        var (app, client) = await stack.StartDemoHostAsync(new DemoOptions(Customers: 40, Months: 6, Seed: 11), new Dictionary<string, string?>
        {
            ["Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
        });
        await using (app)
        {
            using (client)
            {
                var list = await (await client.GetAsync("/api/worklist?limit=5000")).JsonAsync();
                var items = list.GetProperty("items").EnumerateArray().ToList();
                Assert.True(items.Count >= 10, $"only {items.Count} customers on the demo worklist");
                Assert.Equal(list.GetProperty("total").GetInt32(), items.Count);
                var stakes = items.Select(i => i.GetProperty("customer").GetProperty("valueAtStake").GetDecimal()).ToList();
                Assert.Equal(stakes.OrderDescending(), stakes);
                Assert.Equal(Math.Round(stakes.Sum(), 2), Math.Round(list.GetProperty("totalValueAtStake").GetDecimal(), 2));
                var withNext = items.Where(i => i.TryGetProperty("next", out var n) && n.ValueKind == JsonValueKind.Object).ToList();
                Assert.NotEmpty(withNext);
                Assert.All(withNext, i => Assert.True(i.GetProperty("next").GetProperty("expectedValue").GetDecimal() > 0));
                await (await client.GetAsync("/api/worklist?limit=0")).AssertProblemAsync(400, "limit");

                // A collector sees only their own portfolio.
                var collector = items[0].GetProperty("customer").GetProperty("collector").GetString()!;
                var other = items.Select(i => i.GetProperty("customer").GetProperty("collector").GetString()!).First(c => c != collector);
                var own = await (await client.SendAsync(Principal.Request(HttpMethod.Get, "/api/worklist", collector, "collector"))).JsonAsync();
                Assert.All(own.GetProperty("items").EnumerateArray(), i => Assert.Equal(collector, i.GetProperty("customer").GetProperty("collector").GetString()));
                Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(Principal.Request(HttpMethod.Get, $"/api/worklist?collector={other}", collector, "collector"))).StatusCode);
                var managerView = await (await client.SendAsync(Principal.Request(HttpMethod.Get, $"/api/worklist?collector={other}", "maria", "manager"))).JsonAsync();
                Assert.Equal(other, managerView.GetProperty("collector").GetString());

                // Executing an e-mail proposal sends one reminder; a second click the same day sends nothing more.
                var target = withNext.First(i => i.GetProperty("proposals").EnumerateArray().Any(p => p.GetProperty("action").GetString() == "email"));
                var customer = target.GetProperty("customer").GetProperty("customerId").GetString()!;
                var owner = target.GetProperty("customer").GetProperty("collector").GetString()!;
                var notMine = items.First(i => i.GetProperty("customer").GetProperty("collector").GetString() != owner).GetProperty("customer").GetProperty("customerId").GetString()!;
                var forbidden = Principal.Request(HttpMethod.Post, $"/api/worklist/{notMine}/execute", owner, "collector");
                forbidden.Content = JsonContent.Create(new { action = "email" });
                Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(forbidden)).StatusCode);
                await (await client.PostAsJsonAsync($"/api/worklist/{customer}/execute", new { action = "fax" })).AssertProblemAsync(422, "action");
                await (await client.PostAsJsonAsync("/api/worklist/NOBODY/execute", new { action = "email" })).AssertProblemAsync(404, "customerId");
                var done = await (await client.PostAsJsonAsync($"/api/worklist/{customer}/execute", new { action = "email" })).JsonAsync();
                Assert.True(done.GetProperty("done").GetBoolean(), done.ToString());
                // Other mail flows meanwhile (promise follow-ups of the demo's open promises): this one is found by its Message-ID.
                var messageId = CollectionsFx.Storage.Mail.OutboxStore.MessageIdFor($"nba/{customer}/{DateOnly.FromDateTime(DateTime.UtcNow):yyyy-MM-dd}/Email");
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (!sink.Messages.Any(m => m.MessageId == messageId) && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }

                var mail = Assert.Single(sink.Messages, m => m.MessageId == messageId);
                // Signed by the customer's collector in any of the three languages.
                Assert.Contains(owner, mail.TextBody, StringComparison.Ordinal);
                var again = await (await client.PostAsJsonAsync($"/api/worklist/{customer}/execute", new { action = "email" })).JsonAsync();
                Assert.False(again.GetProperty("done").GetBoolean());
                Assert.Equal("already sent", again.GetProperty("outcome").GetString());
                await Task.Delay(500);
                Assert.Single(sink.Messages, m => m.MessageId == messageId);

                // A call becomes a task in the collector's list; done, it leaves the list. The customer is one never contacted
                // with an invoice overdue: whether a demo customer still waits for a call depends on how many of the demo's
                // promise follow-ups have mailed (and so contacted) their customers by now, which a busy machine changes.
                var fresh = "CALL-" + Guid.NewGuid().ToString("N")[..8];
                var freshCustomer = Events.Customer(fresh);
                freshCustomer["collector"] = owner;
                Assert.Equal(HttpStatusCode.OK, (await StackFixture.PostAsync(client, Events.Batch([
                    (Api.Ingestion.EventTypes.Customer, freshCustomer, null), (Api.Ingestion.EventTypes.Invoice, Events.Invoice(fresh + "-1", fresh, 5_000m), null),
                ]), Api.Ingestion.IngestionService.BatchMediaType)).StatusCode);
                await app.Services.GetRequiredService<Api.Insights.InsightsService>().RefreshAsync(CancellationToken.None);
                var caller = (await (await client.GetAsync("/api/worklist?limit=5000")).JsonAsync()).GetProperty("items").EnumerateArray()
                    .FirstOrDefault(i => i.GetProperty("customer").GetProperty("customerId").GetString() == fresh);
                Assert.Equal(JsonValueKind.Object, caller.ValueKind);
                Assert.Contains(caller.GetProperty("proposals").EnumerateArray(), p => p.GetProperty("action").GetString() == "call");
                {
                    var callee = caller.GetProperty("customer").GetProperty("customerId").GetString()!;
                    var call = await (await client.PostAsJsonAsync($"/api/worklist/{callee}/execute", new { action = "call" })).JsonAsync();
                    Assert.True(call.GetProperty("done").GetBoolean(), call.ToString());
                    var open = (await (await client.GetAsync($"/api/tasks?customerId={callee}")).JsonAsync()).GetProperty("tasks");
                    var task = Assert.Single(open.EnumerateArray(), t => t.GetProperty("kind").GetString() == "call");
                    Assert.Equal(caller.GetProperty("customer").GetProperty("collector").GetString(), task.GetProperty("assignee").GetString());
                    Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/tasks/{callee}/done", new { key = task.GetProperty("key").GetString() })).StatusCode);
                    Assert.DoesNotContain((await (await client.GetAsync($"/api/tasks?customerId={callee}")).JsonAsync()).GetProperty("tasks").EnumerateArray(), t => t.GetProperty("kind").GetString() == "call");
                }

                // Approving a dunning step is for managers only.
                var approval = Principal.Request(HttpMethod.Post, $"/api/dunning/{customer}/approval", owner, "collector");
                approval.Content = JsonContent.Create(new { approved = true });
                await (await client.SendAsync(approval)).AssertProblemAsync(403, "role");
                var byManager = Principal.Request(HttpMethod.Post, $"/api/dunning/{customer}/approval", "maria", "manager");
                byManager.Content = JsonContent.Create(new { approved = true });
                await (await client.SendAsync(byManager)).AssertProblemAsync(404, "customerId"); // allowed, but no cycle runs
            }
        }
    }
}
