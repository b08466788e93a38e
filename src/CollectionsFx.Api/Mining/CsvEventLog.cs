using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CollectionsFx.Domain.Mining;
using CollectionsFx.Domain.Mining.Interchange;
using nietras.SeparatedValues;

namespace CollectionsFx.Api.Mining;

/// <summary>
/// Which columns of a CSV event log hold the case id, activity, timestamp and resource. JSON, e.g.
/// <code>{ "case": "Case ID", "activity": "Activity", "timestamp": "Complete Timestamp", "resource": "Resource",
///   "timestampFormat": "yyyy/MM/dd HH:mm:ss.fff", "caseAttributes": ["Region"] }</code>
/// Timestamps without an offset are UTC; without a format they are read as ISO 8601.
/// </summary>
public sealed record EventLogMapping
{
    public required string Case { get; init; }

    public required string Activity { get; init; }

    public required string Timestamp { get; init; }

    public string? Resource { get; init; }

    /// <summary>.NET custom format of the timestamp column, or null for ISO 8601.</summary>
    public string? TimestampFormat { get; init; }

    /// <summary>Column separator; null detects it from the header.</summary>
    public char? Separator { get; init; }

    /// <summary>Columns kept as case attributes (the first non-empty value of a case wins).</summary>
    public IReadOnlyList<string> CaseAttributes { get; init; } = [];

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>Reads a mapping file; errors say what is wrong.</summary>
    public static EventLogMapping Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<EventLogMapping>(json, Options) ?? throw new FormatException("The mapping file is empty.");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Mapping file: {ex.Message}", ex);
        }
    }
}

/// <summary>Reads CSV event logs (streamed with Sep) into a <see cref="MiningLogBuilder"/>.</summary>
public static class CsvEventLog
{
    /// <summary>
    /// Reads <paramref name="csv"/> with <paramref name="mapping"/>. A missing mapped column is an error naming it; a row without
    /// case id, activity or a readable timestamp is skipped and reported with its line.
    /// </summary>
    public static MiningLogBuilder Read(Stream csv, EventLogMapping mapping, MiningLogBuilder? into = null) => Read(csv, mapping, into, lineOffset: 0);

    /// <summary>
    /// Reads a CSV file like <see cref="Read(Stream, EventLogMapping, MiningLogBuilder?)"/>, in parallel parts when it is large
    /// and has no quoted fields (so a part cannot start inside a field); the result is the same as reading it in one go.
    /// </summary>
    public static MiningLogBuilder ReadFile(string path, EventLogMapping mapping, int? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var parts = SplitFile(path, Math.Max(1, parallelism ?? Environment.ProcessorCount));
        if (parts is null)
        {
            using var file = File.OpenRead(path);
            return Read(file, mapping);
        }

        var builders = new MiningLogBuilder[parts.Count];
        Parallel.For(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = parts.Count }, i =>
        {
            var (start, end, lineOffset, header) = parts[i];
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            file.Position = start;
            using var part = new PrefixedStream(header, file, end - start);
            builders[i] = Read(part, mapping, null, lineOffset);
        });

        for (var i = 1; i < builders.Length; i++)
        {
            builders[0].Append(builders[i]);
        }

        return builders[0];
    }

    /// <summary>
    /// Byte ranges of up to <paramref name="parts"/> parts that each end at a line break, with the header to put before every part
    /// but the first and the number of lines before it; null when the file is small or has a quote (read it in one go).
    /// </summary>
    private static List<(long Start, long End, int LineOffset, byte[] Header)>? SplitFile(string path, int parts)
    {
        const long MinPartBytes = 4 << 20;
        var length = new FileInfo(path).Length;
        parts = (int)Math.Min(parts, length / MinPartBytes);
        if (parts < 2)
        {
            return null;
        }

        // One pass: refuse quoted files, find the first line break after each target offset, count lines before it.
        using var file = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        var targets = Enumerable.Range(1, parts - 1).Select(k => length * k / parts).ToList();
        var cuts = new List<long>();
        var lineBreaks = new List<int>();
        byte[]? header = null;
        long position = 0;
        var lines = 0;
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            var span = buffer.AsSpan(0, read);
            if (span.Contains((byte)'"'))
            {
                return null;
            }

            if (header is null && span.IndexOf((byte)'\n') is var h && h >= 0)
            {
                header = span[..(h + 1)].ToArray();
            }

            var offset = 0;
            while (cuts.Count < targets.Count && position + read > targets[cuts.Count])
            {
                var from = (int)Math.Max(offset, targets[cuts.Count] - position);
                var next = span[from..].IndexOf((byte)'\n');
                if (next < 0)
                {
                    break;
                }

                lines += span[offset..(from + next + 1)].Count((byte)'\n');
                offset = from + next + 1;
                cuts.Add(position + offset);
                lineBreaks.Add(lines);
            }

            lines += span[offset..].Count((byte)'\n');
            position += read;
        }

        if (header is null || cuts.Count < targets.Count)
        {
            return null;
        }

        var result = new List<(long, long, int, byte[])>();
        for (var i = 0; i <= cuts.Count; i++)
        {
            result.Add((i == 0 ? 0 : cuts[i - 1], i == cuts.Count ? length : cuts[i], i == 0 ? 0 : lineBreaks[i - 1] - 1, i == 0 ? [] : header));
        }

        return result;
    }

    private static MiningLogBuilder Read(Stream csv, EventLogMapping mapping, MiningLogBuilder? into, int lineOffset)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(mapping);
        var builder = into ?? new MiningLogBuilder();
        var options = new SepReaderOptions(mapping.Separator is { } sep ? new Sep(sep) : null) { Unescape = true, DisableColCountCheck = true };
        using var reader = options.From(csv);
        var names = reader.Header.ColNames;
        int Column(string? name, string field) =>
            name is null ? -1 : names.ToList().IndexOf(name) is var i && i >= 0 ? i
                : throw new FormatException($"The file has no column '{name}' (mapped as {field}). Its columns: {string.Join(", ", names)}.");
        int caseCol = Column(mapping.Case, "case"), activityCol = Column(mapping.Activity, "activity"), timeCol = Column(mapping.Timestamp, "timestamp");
        var resourceCol = Column(mapping.Resource, "resource");
        var attributeCols = mapping.CaseAttributes.Select(a => (Name: a, Index: Column(a, "case attribute"))).ToList();
        var format = mapping.TimestampFormat;
        foreach (var row in reader)
        {
            var caseId = caseCol < row.ColCount ? row[caseCol].Span.Trim() : default;
            var activity = activityCol < row.ColCount ? row[activityCol].Span.Trim() : default;
            var text = timeCol < row.ColCount ? row[timeCol].Span.Trim() : default;
            var problem = caseId.IsEmpty ? "has no case id" : activity.IsEmpty ? "has no activity" : text.IsEmpty ? "has no timestamp" : null;
            long ticks = 0;
            if (problem is null && !(format is null ? ParseIso(text, out ticks) : ParseExact(text, format, out ticks)))
            {
                problem = $"has a timestamp '{text.ToString()}' that is not {(format ?? "ISO 8601")}";
            }

            if (problem is not null)
            {
                builder.Skipped.Add(new SkippedEvent($"line {row.LineNumberFrom + lineOffset}", $"row {problem}: skipped"));
                continue;
            }

            var resource = resourceCol >= 0 && resourceCol < row.ColCount ? row[resourceCol].Span.Trim() : default;
            builder.Add(caseId, activity, ticks, resource);
            foreach (var (name, index) in attributeCols)
            {
                if (index < row.ColCount && row[index].Span.Trim() is { IsEmpty: false } value)
                {
                    builder.SetCaseAttributeIfAbsent(caseId.ToString(), name, value.ToString());
                }
            }
        }

        return builder;
    }

    private static bool ParseIso(ReadOnlySpan<char> text, out long ticks)
    {
        if (Iso8601.TryParseUtcTicks(text, out ticks))
        {
            return true;
        }

        var ok = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time);
        ticks = time.UtcTicks;
        return ok;
    }

    private static bool ParseExact(ReadOnlySpan<char> text, string format, out long ticks)
    {
        var ok = DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time);
        ticks = time.UtcTicks;
        return ok;
    }
}
