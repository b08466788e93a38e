using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>
/// The errors an in-process test host logged (exceptions included), so a test that meets a 500 can say why: the hosts log
/// to the console at Warning, which xUnit does not show.
/// </summary>
public sealed class HostErrors : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();

    /// <summary>The errors <paramref name="app"/> logged so far, one per paragraph; empty when none.</summary>
    public static string Of(WebApplication app) =>
        app.Services.GetService<HostErrors>() is { } errors ? string.Join("\n\n", errors.entries) : "(no error capture on this host)";

    /// <summary>Registers a capture on a host's services.</summary>
    public static void AddTo(IServiceCollection services)
    {
        var errors = new HostErrors();
        services.AddSingleton(errors);
        services.AddSingleton<ILoggerProvider>(errors);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && entries.Count < 100)
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}\n{exception}");
            }
        }
    }
}
