using System.Diagnostics;
using System.Net.Sockets;
using CollectionsFx.Api.Http;
using CollectionsFx.Storage;
using CollectionsFx.Storage.Mail;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace CollectionsFx.Api.Diagnostics;

/// <summary>One dependency's state: <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>, how long the check took, and why not healthy.</summary>
public sealed record DependencyCheck(string Name, string Status, long Milliseconds, string? Detail = null);

/// <summary>The health answer: the worst of the checks, and the checks.</summary>
public sealed record HealthReport(string Status, DateTimeOffset CheckedAt, IReadOnlyList<DependencyCheck> Checks);

/// <summary>
/// <c>GET /api/health</c> with dependency checks: storage (ledger table, blobs, rescore queue) makes the host unhealthy (503)
/// when unreachable, since nothing can be accepted; Durable Task and the SMTP relay make it degraded (200): webhooks are
/// still taken and kept, and what waits for them catches up. Answers are cached a few seconds (the route is anonymous in
/// Azure, for the platform's probes) and never include a secret or a connection string.
/// </summary>
public sealed class HealthService(StorageLayout layout, IOptions<SmtpOptions> smtp, TimeProvider time)
{
    /// <summary>How long one answer is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly SemaphoreSlim gate = new(1, 1);
    private HealthReport? last;

    /// <summary>Handles the route: 200 when healthy or degraded, 503 when unhealthy.</summary>
    public async Task<IResult> HandleAsync(DurableTaskClient? durable, CancellationToken cancellationToken)
    {
        var report = await CheckAsync(durable, cancellationToken).ConfigureAwait(false);
        return Results.Json(report, ApiJson.Options, statusCode: report.Status == "unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    /// <summary>The checks, run side by side (each within a few seconds), or the last answer when it is recent.</summary>
    public async Task<HealthReport> CheckAsync(DurableTaskClient? durable, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (last is { } recent && time.GetUtcNow() - recent.CheckedAt < CacheFor)
            {
                return recent;
            }

            var checks = await Task.WhenAll(
                RunAsync("storage:tables", "unhealthy", ct => layout.Ledger.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct).AsPages().GetAsyncEnumerator(ct).MoveNextAsync().AsTask(), cancellationToken),
                RunAsync("storage:blobs", "unhealthy", ct => layout.DeadLetters.ExistsAsync(ct), cancellationToken),
                RunAsync("storage:queues", "unhealthy", ct => layout.Rescore.ExistsAsync(ct), cancellationToken),
                RunAsync("durable", "degraded", ct => durable is null ? Task.CompletedTask : durable.GetInstanceAsync("health-probe", ct), cancellationToken),
                RunAsync("smtp", "degraded", ct => ConnectAsync(smtp.Value.Host, smtp.Value.Port, ct), cancellationToken)).ConfigureAwait(false);
            var status = checks.Any(c => c.Status == "unhealthy") ? "unhealthy" : checks.Any(c => c.Status == "degraded") ? "degraded" : "healthy";
            return last = new HealthReport(status, time.GetUtcNow(), checks);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<DependencyCheck> RunAsync(string name, string whenDown, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        try
        {
            await probe(limit.Token).ConfigureAwait(false);
            return new DependencyCheck(name, "healthy", watch.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The kind of failure only: messages of storage and socket errors can name accounts and hosts.
            return new DependencyCheck(name, whenDown, watch.ElapsedMilliseconds, ex is OperationCanceledException ? "timed out" : ex.GetType().Name);
        }
    }

    private static async Task ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
    }
}
