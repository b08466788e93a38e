using CollectionsFx.Domain.Mining;
using Parquet;
using Parquet.Schema;

namespace CollectionsFx.Api.Mining;

/// <summary>
/// The mining log as Apache Parquet: one row per event (case_id, activity, timestamp UTC, resource, then one column per
/// case attribute), row groups of <see cref="RowGroupSize"/> events, Snappy-compressed. This is the scale-out format of
/// docs/adr/005-mining-scale-out.md: Fabric, Spark and Azure Data Explorer read it as it is.
/// </summary>
public static class ParquetEventLog
{
    public const int RowGroupSize = 1_000_000;

    /// <summary>Writes <paramref name="log"/> to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(MiningLog log, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var attributes = log.CaseAttributes.Keys.Order(StringComparer.Ordinal).ToList();
        var fields = new List<DataField>
        {
            new DataField<string>("case_id"), new DataField<string>("activity"), new DataField<DateTime>("timestamp"), new DataField<string>("resource"),
        };
        fields.AddRange(attributes.Select(a => new DataField<string>(a)));
        var schema = new ParquetSchema(fields.ToArray<Field>());
        await using var writer = await ParquetWriter.CreateAsync(schema, output, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, cancellationToken: cancellationToken).ConfigureAwait(false);

        // Rows of whole cases, so a case never straddles two row groups.
        var firstCase = 0;
        while (firstCase < log.CaseCount)
        {
            var lastCase = firstCase;
            var events = 0;
            while (lastCase < log.CaseCount && (events == 0 || events + Length(log, lastCase) <= RowGroupSize))
            {
                events += Length(log, lastCase);
                lastCase++;
            }

            var caseIds = new string[events];
            var activities = new string[events];
            var times = new DateTime[events];
            var resources = new string[events];
            var attributeValues = attributes.Select(_ => new string[events]).ToList();
            var row = 0;
            for (var c = firstCase; c < lastCase; c++)
            {
                foreach (var e in log.EventsOf(c))
                {
                    caseIds[row] = e.CaseId;
                    activities[row] = e.Activity;
                    times[row] = e.Timestamp.UtcDateTime;
                    resources[row] = e.Resource;
                    for (var a = 0; a < attributes.Count; a++)
                    {
                        attributeValues[a][row] = log.CaseAttributes[attributes[a]][c]!;
                    }

                    row++;
                }
            }

            using var group = writer.CreateRowGroup();
            await group.WriteAsync(schema.DataFields[0], caseIds).ConfigureAwait(false);
            await group.WriteAsync(schema.DataFields[1], activities).ConfigureAwait(false);
            await group.WriteAsync<DateTime>(schema.DataFields[2], times, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.WriteAsync(schema.DataFields[3], resources).ConfigureAwait(false);
            for (var a = 0; a < attributes.Count; a++)
            {
                await group.WriteAsync(schema.DataFields[4 + a], attributeValues[a]).ConfigureAwait(false);
            }

            firstCase = lastCase;
        }
    }

    /// <summary>Reads a Parquet event log written by <see cref="WriteAsync"/> (or any file with case_id, activity, timestamp and optional resource columns).</summary>
    public static async Task<MiningLogBuilder> ReadAsync(Stream input, CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(input, cancellationToken: cancellationToken).ConfigureAwait(false);
        var fields = reader.Schema.DataFields;
        DataField Field(string name) => fields.FirstOrDefault(f => f.Name == name) ?? throw new FormatException($"The Parquet file has no column '{name}'. Its columns: {string.Join(", ", fields.Select(f => f.Name))}.");
        var builder = new MiningLogBuilder();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var cases = new string[rows];
            var activities = new string[rows];
            var times = new DateTime[rows];
            await group.ReadAsync(Field("case_id"), cases, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync(Field("activity"), activities, cancellationToken: cancellationToken).ConfigureAwait(false);
            await group.ReadAsync<DateTime>(Field("timestamp"), times, cancellationToken: cancellationToken).ConfigureAwait(false);
            var resourceField = fields.FirstOrDefault(f => f.Name == "resource");
            var resources = resourceField is null ? null : new string[rows];
            if (resourceField is not null)
            {
                await group.ReadAsync(resourceField, resources!, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < cases.Length; i++)
            {
                if (string.IsNullOrEmpty(cases[i]) || string.IsNullOrEmpty(activities[i]))
                {
                    builder.Skipped.Add(new SkippedEvent($"row group {g}, row {i}", "has no case id, activity or timestamp: skipped"));
                    continue;
                }

                builder.Add(cases[i], activities[i], new DateTimeOffset(DateTime.SpecifyKind(times[i], DateTimeKind.Utc)), resources?[i]);
            }
        }

        return builder;
    }

    private static int Length(MiningLog log, int c) => log.ActivitiesOf(c).Length;
}
