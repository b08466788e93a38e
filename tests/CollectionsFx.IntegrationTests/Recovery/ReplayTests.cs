using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using CollectionsFx.Api.Recovery;
using CollectionsFx.Cli.Demo;
using CollectionsFx.Contracts;
using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.IntegrationTests.Mining;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Ledger;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Recovery;

/// <summary>
/// The disaster-recovery drill on a demo company over Azurite: the ledger rebuilt from its event log equals the live records
/// (also after a customer's personal data was erased), a restore into another prefix holds the same state, and lost or
/// altered records are found and named, by the service and by <c>cfx replay</c>'s exit code.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ReplayTests(StackFixture stack)
{
    [Fact]
    public async Task The_ledger_rebuilt_from_its_event_log_equals_the_live_state_and_a_lost_record_is_named()
    {
        var (app, client) = await stack.StartDemoHostAsync(new DemoOptions(Customers: 25, Months: 4, Seed: 3));
        await using (app)
        {
            using (client)
            {
                var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
                var live = app.Services.GetRequiredService<TableLedgerStore>();
                var customers = new List<string>();
                await foreach (var c in live.CustomersWithRecordsAsync())
                {
                    customers.Add(c);
                }

                // A customer's personal data erased beforehand: the rewritten log still rebuilds the rewritten records.
                var erased = await client.SendAsync(Principal.Request(HttpMethod.Delete, $"/api/customers/{customers[0]}/personal-data", "maria", Roles.Manager));
                Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

                // Rebuilt and restored into another prefix: equal.
                var restorePrefix = AzuriteFixture.NewPrefix();
                var restoreLayout = StorageLayout.Create(new StorageOptions { ConnectionString = options.ConnectionString, Prefix = restorePrefix });
                await restoreLayout.EnsureCreatedAsync();
                var restored = new TableLedgerStore(restoreLayout.Ledger, TimeProvider.System);
                var report = await app.Services.GetRequiredService<LedgerReplay>().RunAsync(restored, restorePrefix);
                Assert.True(report.Equal, string.Join("\n", report.Differences));
                Assert.Equal(customers.Count, report.Customers);
                Assert.True(report.Records > customers.Count * 5 && report.Events >= report.Records, $"{report.Records} records from {report.Events} events");
                var sample = customers[^1];
                Assert.Equal((await live.LoadAsync(sample)).Records.Count, (await restored.LoadAsync(sample)).Records.Count);

                var environment = new Dictionary<string, string>
                {
                    ["Storage__ConnectionString"] = options.ConnectionString!, ["Storage__Prefix"] = options.Prefix, ["Jobs__Enabled"] = "false",
                    ["urls"] = $"http://127.0.0.1:{Cli.Tools.FreePort()}", ["Durable__GrpcPort"] = "0", ["Logging__LogLevel__Default"] = "Warning",
                };
                var (exit, output, error) = await MiningCliTests.CfxAsync(environment, "replay");
                Assert.True(exit == 0, output + error);
                Assert.Contains("equal to the live state", error, StringComparison.Ordinal);

                // A record lost from the live table (a partial restore, an operator's mistake): named, and the drill fails.
                var victim = customers[1];
                var ledgerTable = app.Services.GetRequiredService<StorageLayout>().Ledger;
                TableEntity? invoiceRow = null;
                await foreach (var e in ledgerTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(victim)} and RowKey ge {"r|Invoice|"} and RowKey lt {"r|Invoice}"}")))
                {
                    invoiceRow = e;
                    break;
                }

                Assert.NotNull(invoiceRow);
                await ledgerTable.DeleteEntityAsync(invoiceRow.PartitionKey, invoiceRow.RowKey);
                var fresh = await new LedgerReplay(new TableLedgerStore(ledgerTable, TimeProvider.System)).RunAsync();
                var difference = Assert.Single(fresh.Differences);
                Assert.Equal(victim, difference.CustomerId);
                Assert.StartsWith("Invoice ", difference.Entity, StringComparison.Ordinal);
                Assert.Contains("missing from the live records", difference.Problem, StringComparison.Ordinal);
                (exit, output, _) = await MiningCliTests.CfxAsync(environment, "replay");
                Assert.Equal(1, exit);
                Assert.Equal(victim, JsonDocument.Parse(output).RootElement.GetProperty("differences")[0].GetProperty("customerId").GetString());
            }
        }
    }
}
