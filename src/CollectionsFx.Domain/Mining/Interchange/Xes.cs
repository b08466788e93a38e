using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace CollectionsFx.Domain.Mining.Interchange;

/// <summary>
/// XES (IEEE 1849-2016) import and export. Reading streams the file (plain or gzip, detected by its magic bytes);
/// a trace's <c>concept:name</c> is the case id, an event's <c>concept:name</c> its activity, <c>time:timestamp</c>
/// its time and <c>org:resource</c> its resource. Globals are not applied as defaults (as pm4py reads XES).
/// Events without timestamp or activity and traces without a name are skipped and reported with their line.
/// </summary>
public static class Xes
{
    /// <summary>Reads an XES stream into a builder; throws <see cref="FormatException"/> naming line and position for malformed XML.</summary>
    public static MiningLogBuilder Read(Stream stream, MiningLogBuilder? into = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var builder = into ?? new MiningLogBuilder();
        using var input = OpenMaybeGzip(stream);
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true, IgnoreWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(input, settings);
        var info = (IXmlLineInfo)reader;
        var traces = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "trace")
                {
                    traces++;
                    ReadTrace(reader, info, builder, traces);
                }
            }
        }
        catch (XmlException e)
        {
            // Some errors (a DTD) carry no position: the reader's own is where it stopped.
            var (line, position) = e.LineNumber > 0 ? (e.LineNumber, e.LinePosition) : (Math.Max(1, info.LineNumber), Math.Max(1, info.LinePosition));
            throw new FormatException($"XES line {line}, position {position}: {e.Message}", e);
        }

        return builder;
    }

    /// <summary>Reads an XES file (plain or .gz).</summary>
    public static MiningLogBuilder ReadFile(string path)
    {
        using var file = File.OpenRead(path);
        return Read(file);
    }

    private static void ReadTrace(XmlReader reader, IXmlLineInfo info, MiningLogBuilder builder, int traceNumber)
    {
        var traceLine = info.LineNumber;
        string? caseId = null;
        var attributes = new List<(string Key, string Value)>();
        var events = new List<(string? Activity, DateTimeOffset? Time, string? Resource, int Line, string? Problem)>();
        if (reader.IsEmptyElement)
        {
            return;
        }

        var depth = reader.Depth;
        while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.LocalName == "event")
            {
                events.Add(ReadEvent(reader, info));
            }
            else if (reader.GetAttribute("key") is { } key)
            {
                var value = reader.GetAttribute("value");
                if (key == "concept:name")
                {
                    caseId = value;
                }
                else if (reader.LocalName == "string" && value is not null)
                {
                    attributes.Add((key, value));
                }

                Skip(reader);
            }
            else
            {
                Skip(reader);
            }
        }

        if (string.IsNullOrEmpty(caseId))
        {
            builder.Skipped.Add(new SkippedEvent($"line {traceLine}", $"trace {traceNumber} has no concept:name (case id): its {events.Count} events are skipped"));
            return;
        }

        foreach (var (key, value) in attributes)
        {
            builder.SetCaseAttribute(caseId, key, value);
        }

        foreach (var e in events)
        {
            if (e.Problem is not null)
            {
                builder.Skipped.Add(new SkippedEvent($"line {e.Line}", $"event of case '{caseId}' {e.Problem}: skipped"));
                continue;
            }

            builder.Add(caseId, e.Activity!, e.Time!.Value, e.Resource);
        }
    }

    private static (string? Activity, DateTimeOffset? Time, string? Resource, int Line, string? Problem) ReadEvent(XmlReader reader, IXmlLineInfo info)
    {
        var line = info.LineNumber;
        string? activity = null, resource = null, problem = null;
        DateTimeOffset? time = null;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                switch (reader.GetAttribute("key"))
                {
                    case "concept:name":
                        activity = reader.GetAttribute("value");
                        break;
                    case "org:resource":
                        resource = reader.GetAttribute("value");
                        break;
                    case "time:timestamp":
                        var text = reader.GetAttribute("value");
                        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                        {
                            time = t;
                        }
                        else
                        {
                            problem = $"has an invalid time:timestamp '{text}' (line {info.LineNumber})";
                        }

                        break;
                }

                Skip(reader);
            }
        }

        problem ??= activity is null ? "has no concept:name (activity)" : time is null ? "has no time:timestamp" : null;
        return (activity, time, resource, line, problem);
    }

    /// <summary>Moves past the current element's children (nested attributes), staying on its end.</summary>
    private static void Skip(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            return;
        }

        var depth = reader.Depth;
        while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
        }
    }

    private static Stream OpenMaybeGzip(Stream stream)
    {
        var buffered = stream.CanSeek ? stream : new BufferedStream(stream);
        Span<byte> magic = stackalloc byte[2];
        if (buffered.CanSeek)
        {
            var position = buffered.Position;
            var read = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            buffered.Position = position;
            return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(buffered, CompressionMode.Decompress, leaveOpen: true) : buffered;
        }

        // Not seekable: read the magic and put it back in front.
        var n = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        var rest = new PrefixedStream(magic[..n].ToArray(), buffered);
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(rest, CompressionMode.Decompress) : rest;
    }

    /// <summary>Writes an XES document trace by trace, so a log is exported without holding it whole.</summary>
    public sealed class Writer : IDisposable
    {
        private readonly XmlWriter xml;
        private readonly Stream? gzip;

        /// <summary>Starts a document on <paramref name="output"/>, gzip-compressed when <paramref name="compress"/>.</summary>
        public Writer(Stream output, bool compress = false)
        {
            ArgumentNullException.ThrowIfNull(output);
            gzip = compress ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : null;
            xml = XmlWriter.Create(gzip ?? output, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false), CloseOutput = false });
            xml.WriteStartDocument();
            xml.WriteStartElement("log", "http://www.xes-standard.org/");
            xml.WriteAttributeString("xes.version", "1849-2016");
            xml.WriteAttributeString("xes.features", string.Empty);
            Extension("Concept", "concept", "http://www.xes-standard.org/concept.xesext");
            Extension("Time", "time", "http://www.xes-standard.org/time.xesext");
            Extension("Organizational", "org", "http://www.xes-standard.org/org.xesext");
            xml.WriteStartElement("global");
            xml.WriteAttributeString("scope", "trace");
            Attribute("string", "concept:name", "__INVALID__");
            xml.WriteEndElement();
            xml.WriteStartElement("global");
            xml.WriteAttributeString("scope", "event");
            Attribute("string", "concept:name", "__INVALID__");
            Attribute("date", "time:timestamp", "1970-01-01T00:00:00.000+00:00");
            xml.WriteEndElement();
            xml.WriteStartElement("classifier");
            xml.WriteAttributeString("name", "Activity");
            xml.WriteAttributeString("keys", "concept:name");
            xml.WriteEndElement();
            Attribute("string", "concept:name", "CollectionsFx event log");
        }

        /// <summary>Writes one trace with its string attributes and its events in order.</summary>
        public void WriteTrace(string caseId, IEnumerable<KeyValuePair<string, string>> attributes, IEnumerable<MiningEvent> events)
        {
            ArgumentNullException.ThrowIfNull(attributes);
            ArgumentNullException.ThrowIfNull(events);
            xml.WriteStartElement("trace");
            Attribute("string", "concept:name", caseId);
            foreach (var (key, value) in attributes)
            {
                Attribute("string", key, value);
            }

            foreach (var e in events)
            {
                xml.WriteStartElement("event");
                Attribute("string", "concept:name", e.Activity);
                if (!string.IsNullOrEmpty(e.Resource))
                {
                    Attribute("string", "org:resource", e.Resource);
                }

                Attribute("date", "time:timestamp", e.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        /// <summary>Flushes what is written so far (between traces).</summary>
        public void Flush() => xml.Flush();

        /// <summary>Ends the document.</summary>
        public void Dispose()
        {
            xml.WriteEndElement();
            xml.WriteEndDocument();
            xml.Dispose();
            gzip?.Dispose();
        }

        private void Extension(string name, string prefix, string uri)
        {
            xml.WriteStartElement("extension");
            xml.WriteAttributeString("name", name);
            xml.WriteAttributeString("prefix", prefix);
            xml.WriteAttributeString("uri", uri);
            xml.WriteEndElement();
        }

        private void Attribute(string type, string key, string value)
        {
            xml.WriteStartElement(type);
            xml.WriteAttributeString("key", key);
            xml.WriteAttributeString("value", value);
            xml.WriteEndElement();
        }
    }

    /// <summary>Writes a whole mining log (its string case attributes included).</summary>
    public static void Write(MiningLog log, Stream output, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var writer = new Writer(output, compress);
        for (var c = 0; c < log.CaseCount; c++)
        {
            var attributes = log.CaseAttributes
                .Where(a => a.Value[c] is not null)
                .Select(a => new KeyValuePair<string, string>(a.Key, a.Value[c]!));
            writer.WriteTrace(log.CaseIds[c], attributes, log.EventsOf(c));
        }
    }
}
