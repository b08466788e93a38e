using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>Dispatches the <c>cfx</c> commands.</summary>
internal static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.FirstOrDefault() ?? "help";
        var rest = args.Skip(1).ToArray();
        switch (command)
        {
            case "serve":
                await LocalHost.Build(rest).RunAsync().ConfigureAwait(false);
                return 0;
            case "help" or "--help" or "-h":
                Help();
                return 0;
            default:
                AnsiConsole.MarkupLineInterpolated($"[red]Unknown command '{command}'.[/]");
                Help();
                return 2;
        }
    }

    private static void Help()
    {
        AnsiConsole.MarkupLine("""
            [bold]cfx[/]: CollectionsFx on a laptop

              [green]serve[/]    the HTTP API (same routes as the Functions app) on http://127.0.0.1:7071, over Azurite
            """);
    }
}
