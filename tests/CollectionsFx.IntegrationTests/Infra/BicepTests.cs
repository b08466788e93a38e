using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using CollectionsFx.IntegrationTests.Fixtures;

namespace CollectionsFx.IntegrationTests.Infra;

/// <summary>Builds and lints infra/ with the real `bicep` CLI (from the Azure.Bicep.CommandLine NuGet package).</summary>
public sealed class BicepTests
{
    private static string Bicep()
    {
        var root = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackageRoot").Value!;
        var path = Path.Combine(root, "tools", "bicep");
        Assert.True(File.Exists(path), $"bicep binary not found at {path}");
        return path;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Bicep()) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Combine("infra") };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["CFX_ERP_WEBHOOK_SECRET"] = "not-a-real-secret";
        start.Environment["CFX_CRM_WEBHOOK_SECRET"] = "not-a-real-secret";
        start.Environment["CFX_SMTP_PASSWORD"] = "not-a-real-secret";
        start.Environment["CFX_SMTP_ENTRA_APP_ID"] = "00000000-0000-0000-0000-000000000001";
        start.Environment["CFX_ALERT_EMAIL"] = "ops@example.com";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Main_template_builds_with_no_warning()
    {
        var (exit, output) = await RunAsync("build", "main.bicep", "--no-restore", "--stdout");

        Assert.Equal(0, exit);
        Assert.DoesNotContain("Warning", output, StringComparison.OrdinalIgnoreCase);
        using var arm = JsonDocument.Parse(output);
        var resources = arm.RootElement.GetProperty("resources");
        var topLevel = resources.ValueKind == JsonValueKind.Array ? [.. resources.EnumerateArray()] : resources.EnumerateObject().Select(p => p.Value).ToList();
        Assert.Equal(8, topLevel.Count(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"));
    }

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("modules/storage.bicep")]
    [InlineData("modules/monitoring.bicep")]
    [InlineData("modules/functionapp.bicep")]
    [InlineData("modules/access.bicep")]
    [InlineData("modules/staticwebapp.bicep")]
    [InlineData("modules/keyvault.bicep")]
    [InlineData("modules/communication.bicep")]
    [InlineData("modules/alerts.bicep")]
    [InlineData("dev.bicepparam")]
    [InlineData("prod.bicepparam")]
    public async Task Every_file_lints_clean(string file)
    {
        var (exit, output) = await RunAsync("lint", file, "--no-restore");

        Assert.True(exit == 0, output);
        Assert.Equal(string.Empty, output.Trim());
    }

    [Theory]
    [InlineData("dev.bicepparam", false)]
    [InlineData("prod.bicepparam", true)]
    public async Task The_parameter_file_of_each_environment_builds(string file, bool purgeProtected)
    {
        var (exit, output) = await RunAsync("build-params", file, "--no-restore", "--stdout");

        Assert.True(exit == 0, output);
        using var json = JsonDocument.Parse(output);
        using var parameters = JsonDocument.Parse(json.RootElement.GetProperty("parametersJson").GetString()!);
        var values = parameters.RootElement.GetProperty("parameters");
        Assert.Equal(purgeProtected, values.GetProperty("keyVaultPurgeProtection").GetProperty("value").GetBoolean());
        Assert.Equal("not-a-real-secret", values.GetProperty("erpWebhookSecret").GetProperty("value").GetString()); // from the environment
    }

    [Fact]
    public async Task Alerts_watch_failed_orchestrations_growing_dead_letters_and_a_missing_scoring_run_on_what_the_app_logs()
    {
        var (_, output) = await RunAsync("build", "main.bicep", "--no-restore", "--stdout");
        Assert.Contains("Microsoft.Insights/actionGroups", output, StringComparison.Ordinal);
        foreach (var rule in new[] { "failed-orchestrations", "dead-letters-growing", "scoring-run-missing" })
        {
            Assert.Contains(rule, output, StringComparison.Ordinal);
        }

        // The queries match the app's own log messages (LoggerMessage templates), so a renamed message fails here.
        Assert.Contains("message startswith \\\"Dead letter \\\"", output, StringComparison.Ordinal);
        Assert.StartsWith("Dead letter ", CollectionsFx.Api.Ingestion.IngestionService.DeadLetterLogTemplate, StringComparison.Ordinal);
        Assert.StartsWith("Scoring run ", CollectionsFx.Api.Scoring.ScoringService.CompletedLogTemplate, StringComparison.Ordinal);
        Assert.Contains(" completed", CollectionsFx.Api.Scoring.ScoringService.CompletedLogTemplate, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Communication/communicationServices", output, StringComparison.Ordinal);
        Assert.Contains("AzureManaged", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_forbids_shared_keys_and_the_app_uses_its_identity_not_connection_strings()
    {
        var (_, output) = await RunAsync("build", "main.bicep", "--no-restore", "--stdout");
        var text = output.Replace(" ", "", StringComparison.Ordinal);

        Assert.Contains("\"allowSharedKeyAccess\":false", text, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__accountName", text, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"SystemAssigned\"", text, StringComparison.Ordinal);
        Assert.Contains("\"tier\":\"FlexConsumption\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey=", text, StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_web_app_is_a_standard_static_web_app_whose_linked_backend_is_the_function_app()
    {
        var (_, output) = await RunAsync("build", "main.bicep", "--no-restore", "--stdout");
        var all = Descendants(JsonDocument.Parse(output).RootElement).Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out _)).ToList();
        var site = Assert.Single(all, e => e.GetProperty("type").GetString() == "Microsoft.Web/staticSites");
        Assert.Equal("Standard", site.GetProperty("sku").GetProperty("name").GetString());
        var backend = Assert.Single(all, e => e.GetProperty("type").GetString() == "Microsoft.Web/staticSites/linkedBackends");
        Assert.Contains("functionAppId", backend.GetProperty("properties").GetProperty("backendResourceId").GetString(), StringComparison.Ordinal);
        var wired = Descendants(JsonDocument.Parse(output).RootElement).Any(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("functionAppId", out var p)
            && p.ToString().Contains("functionapp", StringComparison.Ordinal) && p.ToString().Contains(".id", StringComparison.Ordinal));
        Assert.True(wired, "the web module's functionAppId is not the function app module's id output");
    }

    [Fact]
    public async Task Secrets_reach_the_app_only_as_key_vault_references_it_may_read_with_its_identity()
    {
        var (_, output) = await RunAsync("build", "main.bicep", "--no-restore", "--stdout");
        var all = Descendants(JsonDocument.Parse(output).RootElement).ToList();
        var settings = all.Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && e.TryGetProperty("value", out _))
            .GroupBy(e => e.GetProperty("name").GetString()!).ToDictionary(g => g.Key, g => g.First().GetProperty("value").ToString());
        foreach (var secret in new[] { "Ingestion__Secrets__erp", "Ingestion__Secrets__crm", "Smtp__Password" })
        {
            Assert.Contains("vaultReferences", settings[secret], StringComparison.Ordinal);
        }

        // The CRM secret's setting name depends on the CRM kind (client secret or webhook secret); its value is a reference too.
        Assert.Contains("parameters('vaultReferences').crmClientSecret", output, StringComparison.Ordinal);

        var vault = Assert.Single(all, e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.GetString() == "Microsoft.KeyVault/vaults");
        Assert.True(vault.GetProperty("properties").GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.Contains("Microsoft.KeyVault(SecretUri=", output, StringComparison.Ordinal);
        Assert.Contains("4633458b-17de-408a-b874-0445c86b69e6", output, StringComparison.Ordinal); // Key Vault Secrets User for the app's identity
    }

    [Fact]
    public async Task The_rescore_queue_setting_names_the_queue_the_storage_layout_uses_in_azure_and_locally()
    {
        var (_, output) = await RunAsync("build", "main.bicep", "--no-restore", "--stdout");
        var settings = Descendants(JsonDocument.Parse(output).RootElement)
            .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && e.TryGetProperty("value", out _))
            .GroupBy(e => e.GetProperty("name").GetString()!).ToDictionary(g => g.Key, g => g.First().GetProperty("value").ToString());
        var local = JsonDocument.Parse(await File.ReadAllTextAsync(RepoPaths.Combine("local.settings.sample.json"))).RootElement.GetProperty("Values");

        Assert.Equal(CollectionsFx.Storage.StorageLayout.RescoreQueueName(settings["Storage__Prefix"]), settings["RescoreQueue"]);
        Assert.Equal(CollectionsFx.Storage.StorageLayout.RescoreQueueName(local.GetProperty("Storage__Prefix").GetString()!), local.GetProperty("RescoreQueue").GetString());
    }

    private static IEnumerable<JsonElement> Descendants(JsonElement e)
    {
        yield return e;
        var children = e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => e.EnumerateArray(),
            _ => [],
        };
        foreach (var d in children.SelectMany(Descendants))
        {
            yield return d;
        }
    }
}
