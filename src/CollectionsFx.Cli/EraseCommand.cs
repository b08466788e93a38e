using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>`cfx erase CUSTOMER [--url U]`: erases a customer's personal data in a running CollectionsFx API (prints the audit report).</summary>
internal static class EraseCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var url = LocalHost.DefaultUrl;
        string? customer = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--url" when i + 1 < args.Length:
                    url = args[++i];
                    break;
                case { Length: > 0 } id when !id.StartsWith("--", StringComparison.Ordinal) && customer is null:
                    customer = id;
                    break;
                default:
                    customer = null;
                    i = args.Length;
                    break;
            }
        }

        if (customer is null)
        {
            AnsiConsole.MarkupLine("Usage: cfx erase CUSTOMER [[--url U]]");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        using var response = await http.DeleteAsync(new Uri($"api/customers/{Uri.EscapeDataString(customer)}/personal-data", UriKind.Relative)).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(await response.Content.ReadAsStringAsync().ConfigureAwait(false)).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? 0 : 1;
    }
}
