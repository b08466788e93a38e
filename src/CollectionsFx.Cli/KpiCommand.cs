using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace CollectionsFx.Cli;

/// <summary>`cfx kpi [--as-of DATE] [--period P] [--group-by X] [--url U] [--json]`: the KPIs of a running CollectionsFx API.</summary>
internal static class KpiCommand
{
    private static readonly (string Name, string Label)[] Columns =
    [
        ("totalAr", "Total AR"), ("dsoCountback", "DSO (countback)"), ("dsoStandard", "DSO (std)"), ("bestPossibleDso", "BPDSO"),
        ("averageDaysDelinquent", "ADD"), ("cei", "CEI %"), ("percentCurrent", "% current"), ("averageDaysLate", "Days late"), ("costPerCustomer", "Cost/customer"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var url = LocalHost.DefaultUrl;
        var query = new List<string>();
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : string.Empty;
            switch (args[i])
            {
                case "--as-of": query.Add("asOf=" + Uri.EscapeDataString(value)); i++; break;
                case "--period": query.Add("period=" + Uri.EscapeDataString(value)); i++; break;
                case "--group-by": query.Add("groupBy=" + Uri.EscapeDataString(value)); i++; break;
                case "--url": url = value; i++; break;
                case "--json": json = true; break;
                default:
                    AnsiConsole.MarkupLineInterpolated($"[red]Unknown option {args[i]}.[/] Usage: cfx kpi [[--as-of yyyy-MM-dd]] [[--period yyyy-MM]] [[--group-by segment]] [[--url U]] [[--json]]");
                    return 2;
            }
        }

        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        using var response = await http.GetAsync("api/kpis?" + string.Join('&', query)).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (json || !response.IsSuccessStatusCode)
        {
            await Console.Out.WriteLineAsync(text).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? 0 : 1;
        }

        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var table = new Table().Title($"KPIs as of {root.GetProperty("asOf").GetString()}, period {Period(root)}, in {root.GetProperty("currency").GetString()}").AddColumn("Group");
        foreach (var (_, label) in Columns)
        {
            table.AddColumn(new TableColumn(label).RightAligned());
        }

        foreach (var group in root.GetProperty("groups").EnumerateArray())
        {
            var values = group.GetProperty("values");
            table.AddRow([Markup.Escape(group.GetProperty("key").GetString()!), .. Columns.Select(c => values.TryGetProperty(c.Name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal().ToString("#,##0.##", CultureInfo.InvariantCulture) : "-")]);
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static string Period(JsonElement root) =>
        $"{root.GetProperty("period").GetProperty("start").GetString()}..{root.GetProperty("period").GetProperty("end").GetString()}";
}
