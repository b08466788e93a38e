namespace CollectionsFx.Api.Ingestion;

/// <summary>Webhook settings, section <c>Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Ingestion";

    /// <summary>Largest accepted body.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How far a signature timestamp may be from now before the request counts as a replay.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Shared secret per source system (the <c>{source}</c> route segment), e.g. <c>Ingestion:Secrets:crm</c>.</summary>
    public Dictionary<string, string> Secrets { get; set; } = new(StringComparer.Ordinal);
}
