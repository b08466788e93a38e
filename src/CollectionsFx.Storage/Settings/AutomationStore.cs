using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using CollectionsFx.Contracts;

namespace CollectionsFx.Storage.Settings;

/// <summary>
/// The automation settings managers change at run time (which next-best actions run touchless), one JSON blob
/// (<c>settings/automation.json</c> in the insights container) with who set it and when. Null until someone sets it: the
/// configured defaults apply.
/// </summary>
public sealed class AutomationStore(BlobContainerClient container)
{
    private const string Name = "settings/automation.json";

    public async Task<AutomationSettings?> GetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var content = await container.GetBlobClient(Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToObjectFromJson<AutomationSettings>(ApiJsonOptions.Value);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task SetAsync(AutomationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await container.GetBlobClient(Name).UploadAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(settings, ApiJsonOptions.Value)), overwrite: true, cancellationToken).ConfigureAwait(false);
    }
}
