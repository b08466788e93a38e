using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CollectionsFx.Cli;

/// <summary>Durable Task settings of the local host, section <c>Durable</c>.</summary>
public sealed class LocalDurableOptions
{
    /// <summary>Task hub name (letters and digits); Durable Functions' default hub lives beside it in the same account.</summary>
    public string TaskHub { get; set; } = "cfxhub";

    /// <summary>Loopback port of the gRPC sidecar (HTTP/2); 0 picks a free one.</summary>
    public int GrpcPort { get; set; } = 7072;

    /// <summary>
    /// How long a dequeued control or work-item message stays invisible: after a crash, that long until another host picks up
    /// what the dead one held. Default 5 minutes, as in Durable Functions; tests that kill hosts shorten it.
    /// </summary>
    public TimeSpan QueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Durable Task in the local host, on the same storage backend Durable Functions uses: an
/// <see cref="AzureStorageOrchestrationService"/> over Azurite, exposed through <see cref="TaskHubGrpcServer"/>
/// (the sidecar) on a loopback HTTP/2 port, with the standard gRPC worker and client talking to it. The same
/// orchestrator and activity classes the Functions app registers run here.
/// </summary>
public static class LocalDurableTask
{
    /// <summary>Adds the sidecar, the worker with <paramref name="tasks"/>, and a <see cref="DurableTaskClient"/>.</summary>
    public static void AddLocalDurableTask(this WebApplicationBuilder builder, string storageConnectionString, LocalDurableOptions options, Action<DurableTaskRegistry> tasks)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            TaskHubName = options.TaskHub,
            ControlQueueVisibilityTimeout = options.QueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.QueueVisibilityTimeout,
        });

        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(new StartedOrchestrationService(service));
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();

        // Registered before the worker so the hub's queues and tables exist when it connects.
        builder.Services.AddHostedService(_ => new TaskHubInitializer(service));
        // The sidecar listens a moment after the host starts; a call made before (a queue worker, a test) would fail with
        // Unavailable and put the channel in reconnect backoff for every other caller. Calls retry Unavailable instead.
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{options.GrpcPort}", new GrpcChannelOptions
        {
            ServiceConfig = new ServiceConfig
            {
                MethodConfigs =
                {
                    new MethodConfig
                    {
                        Names = { MethodName.Default },
                        RetryPolicy = new Grpc.Net.Client.Configuration.RetryPolicy
                        {
                            MaxAttempts = 5, InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(2), BackoffMultiplier = 2,
                            RetryableStatusCodes = { Grpc.Core.StatusCode.Unavailable },
                        },
                    },
                },
            },
        });
        builder.Services.AddDurableTaskWorker(b =>
        {
            b.AddTasks(tasks);
            b.UseGrpc(channel);
        });
        builder.Services.AddDurableTaskClient(b => b.UseGrpc(channel));
    }

    /// <summary>Serves the sidecar only on its own port.</summary>
    public static void MapLocalDurableTask(this IEndpointRouteBuilder app, LocalDurableOptions options) =>
        app.MapGrpcService<TaskHubGrpcServer>().RequireHost($"*:{options.GrpcPort}");

    private sealed class TaskHubInitializer(AzureStorageOrchestrationService service) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => service.CreateIfNotExistsAsync();

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
