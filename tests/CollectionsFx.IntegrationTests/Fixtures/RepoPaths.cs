namespace CollectionsFx.IntegrationTests.Fixtures;

/// <summary>Files of the repository, found the way `cfx` finds them.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = CollectionsFx.Cli.Tools.RepoRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}
