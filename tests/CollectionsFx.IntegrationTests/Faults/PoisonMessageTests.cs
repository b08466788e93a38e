using CollectionsFx.IntegrationTests.Fixtures;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Scoring;
using Microsoft.Extensions.DependencyInjection;

namespace CollectionsFx.IntegrationTests.Faults;

/// <summary>
/// A poison message on the rescore queue (one that can never be processed) goes to the poison queue and does not hold back the
/// good messages received with it: they are handled and deleted.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PoisonMessageTests(StackFixture stack)
{
    [Fact]
    public async Task An_unreadable_message_is_poisoned_at_once_and_the_good_ones_beside_it_are_handled()
    {
        var (app, client) = await stack.StartIsolatedHostAsync();
        await using (app)
        {
            using (client)
            {
                var layout = app.Services.GetRequiredService<StorageLayout>();
                await layout.Rescore.SendMessageAsync("{ this is not a rescore request");
                await app.Services.GetRequiredService<RescoreQueue>().RequestAsync(new RescoreRequest(["C-GOOD-1"], DateTimeOffset.UtcNow));
                await app.Services.GetRequiredService<RescoreQueue>().RequestAsync(new RescoreRequest(["C-GOOD-2"], DateTimeOffset.UtcNow));

                var (left, poisoned) = (0, 0);
                await Eventually.UntilAsync(
                    async () =>
                    {
                        left = (await layout.Rescore.GetPropertiesAsync()).Value.ApproximateMessagesCount;
                        poisoned = await layout.RescorePoison.ExistsAsync() ? (await layout.RescorePoison.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
                        return left == 0 && poisoned == 1;
                    },
                    () => $"the queue emptied and one message poisoned ({left} left on the queue, {poisoned} poisoned)",
                    60);

                var poison = (await layout.RescorePoison.PeekMessagesAsync(5)).Value;
                Assert.Equal("{ this is not a rescore request", Assert.Single(poison).Body.ToString());
            }
        }
    }
}
