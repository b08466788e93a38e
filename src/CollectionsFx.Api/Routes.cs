namespace CollectionsFx.Api;

/// <summary>
/// Every HTTP route of CollectionsFx, relative to the <c>api/</c> prefix. The Functions app's triggers
/// and the local host both use these constants; a test checks that both expose the same set.
/// </summary>
public static class Routes
{
    /// <summary>The route prefix both faces put before every route.</summary>
    public const string Prefix = "api";

    /// <summary>CloudEvents webhooks from one source system (POST).</summary>
    public const string Ingest = "ingest/{source}";

    /// <summary>Names of the published JSON Schemas (GET).</summary>
    public const string Schemas = "schemas";

    /// <summary>The JSON Schema of one event type (GET).</summary>
    public const string Schema = "schemas/{type}";

    /// <summary>Pending dead letters (GET).</summary>
    public const string DeadLetters = "deadletters";

    /// <summary>Replays one dead letter, optionally with a corrected event (POST).</summary>
    public const string DeadLetterReplay = "deadletters/{id}/replay";

    /// <summary>Starts a health check of the Durable backend (POST).</summary>
    public const string DurableHealthCheck = "diagnostics/durable";

    /// <summary>Status of one Durable health check (GET).</summary>
    public const string DurableHealthCheckStatus = "diagnostics/durable/{id}";

    /// <summary>Liveness (GET).</summary>
    public const string Health = "health";
}
