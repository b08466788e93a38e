using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CollectionsFx.Domain.Insights;

namespace CollectionsFx.Storage.Insights;

/// <summary>The daily exchange-rate table (CSV <c>date,currency,rate</c>) in Blobs, validated before it replaces the current one.</summary>
public sealed class RatesStore(BlobContainerClient container)
{
    private const string Name = "rates.csv";

    /// <summary>The tag <see cref="LoadAsync"/> gives while no table has been imported.</summary>
    public const string NoTable = "(none)";

    /// <summary>Validates <paramref name="csv"/> for <paramref name="reportingCurrency"/> and stores it; throws <see cref="FormatException"/> naming the line.</summary>
    public async Task<ExchangeRates> SaveAsync(string reportingCurrency, string csv, CancellationToken cancellationToken = default)
    {
        var rates = ExchangeRates.ParseCsv(reportingCurrency, new StringReader(csv));
        await container.GetBlobClient(Name).UploadAsync(BinaryData.FromString(csv), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv" } }, cancellationToken).ConfigureAwait(false);
        return rates;
    }

    /// <summary>
    /// The stored table and its ETag; null rates when the ETag is still <paramref name="knownETag"/>; an empty table (only the
    /// reporting currency converts) before the first import.
    /// </summary>
    public async Task<(ExchangeRates? Rates, string? ETag)> LoadAsync(string reportingCurrency, string? knownETag = null, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(Name);
        try
        {
            var props = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var etag = props.Value.ETag.ToString();
            if (etag == knownETag)
            {
                return (null, etag);
            }

            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return (ExchangeRates.ParseCsv(reportingCurrency, new StringReader(content.Value.Content.ToString())), etag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // "No table" has a tag of its own, so asking again while there is still none reports no change.
            return (knownETag == NoTable ? null : new ExchangeRates(reportingCurrency), NoTable);
        }
    }
}
