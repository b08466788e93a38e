using System.Text;
using System.Text.Json.Nodes;
using CollectionsFx.Domain.Dunning;
using CollectionsFx.Domain.Mining;
using CollectionsFx.Domain.Mining.Interchange;
using CollectionsFx.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace CollectionsFx.Domain.Tests.Fuzz;

/// <summary>
/// Fuzzing of the files a finance team hands over, with FsCheck generators mutating valid ones: the playbook file and XES
/// event logs. A file is either read whole or refused with errors that say where; never an unexpected exception, and what
/// is accepted can be used (a playbook the cycle can decide with, a log that can be mined).
/// </summary>
public sealed class FileInputFuzzTests
{
    private static readonly string ShippedPlaybooks = ReadShippedPlaybooks();

    private static string ReadShippedPlaybooks()
    {
        using var stream = typeof(PlaybookSet).Assembly.GetManifestResourceStream("dunning/playbooks.json")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A JSON value from the hostile list, extreme numbers, or a wrong shape.</summary>
    private static Gen<JsonNode?> Value() => Gen.OneOf(
        Gen.Elements(HostileText.Values.ToArray()).Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Elements(0m, -1m, 0.5m, 1e15m, 79228162514264337593543950335m, -79228162514264337593543950335m).Select(d => (JsonNode?)JsonValue.Create(d)),
        Gen.Elements(int.MaxValue, int.MinValue, 36_500, -36_500, 1).Select(n => (JsonNode?)JsonValue.Create(n)),
        Gen.Elements("10675199.02:48:05.4775807", "-1.00:00:00", "00:00:00", "00:00:00.001", "1.00:00:00", "email", "creditHold", "Strategic", "high", "low")
            .Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Elements<JsonNode?>(null, JsonValue.Create(true), new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create("Smb")), new JsonObject { ["day"] = 3 }));

    /// <summary>Every node of a JSON tree with its parent and the key or index that reaches it.</summary>
    private static List<(JsonNode Parent, object Key)> Slots(JsonNode node)
    {
        var slots = new List<(JsonNode, object)>();
        void Walk(JsonNode n)
        {
            if (n is JsonObject o)
            {
                foreach (var (key, child) in o.ToList())
                {
                    slots.Add((o, key));
                    if (child is not null)
                    {
                        Walk(child);
                    }
                }
            }
            else if (n is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    slots.Add((a, i));
                    if (a[i] is { } child)
                    {
                        Walk(child);
                    }
                }
            }
        }

        Walk(node);
        return slots;
    }

    /// <summary>The shipped playbooks with one to four mutations: a value replaced, a property or element removed or doubled, or the text cut.</summary>
    private static Gen<string> MutatedPlaybooks() =>
        from count in Gen.Choose(1, 4)
        from picks in Gen.Choose(0, 100_000).ArrayOf(count)
        from kinds in Gen.Choose(0, 5).ArrayOf(count)
        from values in Value().ArrayOf(count)
        select MutateJson(ShippedPlaybooks, picks, kinds, values);

    private static string MutateJson(string json, int[] picks, int[] kinds, JsonNode?[] values)
    {
        var root = JsonNode.Parse(json, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        var cut = -1;
        for (var m = 0; m < kinds.Length; m++)
        {
            var slots = Slots(root);
            if (slots.Count == 0)
            {
                break;
            }

            var (parent, key) = slots[picks[m] % slots.Count];
            switch (kinds[m])
            {
                case 0 or 1:
                    Set(parent, key, values[m]?.DeepClone());
                    break;
                case 2 when parent is JsonObject o:
                    o.Remove((string)key);
                    break;
                case 2 when parent is JsonArray a:
                    a.RemoveAt((int)key);
                    break;
                case 3 when parent is JsonArray a:
                    a.Add(a[(int)key]?.DeepClone());
                    break;
                case 4 when parent is JsonObject o:
                    o["unexpected" + m] = values[m]?.DeepClone();
                    break;
                case 5:
                    cut = picks[m];
                    break;
            }
        }

        var text = root.ToJsonString();
        return cut >= 0 && text.Length > 0 ? text[..(cut % text.Length)] : text;
    }

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o)
        {
            o[(string)key] = value;
        }
        else
        {
            ((JsonArray)parent)[(int)key] = value;
        }
    }

    [Fact]
    public void Mutated_playbook_files_are_refused_with_their_paths_or_accepted_and_then_runnable()
    {
        var (accepted, refused) = (0, 0);
        foreach (var json in MutatedPlaybooks().Sample(400, 40))
        {
            var (set, errors) = PlaybookSet.Parse(json);
            Assert.True(set is null == errors.Count > 0, $"a set with errors or neither for {json}");
            if (set is null)
            {
                refused++;
                Assert.All(errors, e => Assert.StartsWith("$", e.Path, StringComparison.Ordinal));
                Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
                continue;
            }

            // What is accepted can be decided with on any day of a long-overdue and a not-yet-due invoice.
            accepted++;
            var today = new DateOnly(2026, 12, 4);
            DunningItem[] items = [new("I1", today.AddDays(-400), 100m, 100m, "EUR"), new("I2", today.AddDays(30), 2_000m, 2_000m, "EUR")];
            foreach (var playbook in set.Playbooks)
            {
                var decision = DunningDecider.Decide(playbook, items, new Dictionary<string, int>(), today);
                Assert.NotNull(decision.Reason);
                var sent = new Dictionary<string, int> { ["I1"] = decision.Notice?.Level ?? 0 };
                Assert.NotNull(DunningDecider.Decide(playbook, items, sent, today.AddDays(500)).Reason);
            }
        }

        Assert.True(accepted > 0 && refused > 0, $"{accepted} accepted and {refused} refused: the generator does not reach both sides");
    }

    private const string SampleXes = """
        <?xml version="1.0" encoding="UTF-8"?>
        <log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
          <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
          <trace>
            <string key="concept:name" value="INV-1"/>
            <event><string key="concept:name" value="Create Invoice"/><date key="time:timestamp" value="2026-10-01T09:00:00.000+02:00"/><string key="org:resource" value="erp"/></event>
            <event><string key="concept:name" value="Send Reminder"/><date key="time:timestamp" value="2026-11-03T08:00:00.000+01:00"/></event>
            <event><string key="concept:name" value="Clear Invoice"/><date key="time:timestamp" value="2026-11-10T12:30:00.000Z"/></event>
          </trace>
          <trace>
            <string key="concept:name" value="INV-2"/>
            <event><string key="concept:name" value="Create Invoice"/><date key="time:timestamp" value="2026-10-02T09:00:00.000+02:00"/></event>
            <event><string key="concept:name" value="Clear Invoice"/><date key="time:timestamp" value="2026-10-30T09:00:00.000+01:00"/></event>
          </trace>
        </log>
        """;

    private static readonly string[] XmlInserts =
    [
        "<!DOCTYPE log [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;", "<trace>", "</trace>", "<event>", "</event>", "<![CDATA[x]]>",
        "<date key=\"time:timestamp\" value=\"2026-02-30T00:00:00Z\"/>", "<date key=\"time:timestamp\" value=\"9999-12-31T23:59:59Z\"/>",
        "<date key=\"time:timestamp\" value=\"yesterday\"/>", "<string key=\"concept:name\"/>", "<string key=\"concept:name\" value=\"\"/>",
        "<list key=\"x\"><values><string key=\"a\" value=\"b\"/></values></list>", "\u0001", "<", ">", "\"", "&", "&amp;", "\uFEFF", "\r\n",
        string.Concat(Enumerable.Repeat("<container key=\"c\">", 200)),
    ];

    /// <summary>The sample XES with one to four edits: a fragment inserted, a stretch deleted, an attribute value replaced, or the text cut.</summary>
    private static Gen<byte[]> MutatedXes() =>
        from count in Gen.Choose(1, 4)
        from positions in Gen.Choose(0, 100_000).ArrayOf(count)
        from kinds in Gen.Choose(0, 4).ArrayOf(count)
        from inserts in Gen.Elements(XmlInserts).ArrayOf(count)
        from values in Gen.Elements(HostileText.Values.ToArray()).ArrayOf(count)
        from gzip in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        select MutateXes(positions, kinds, inserts, values, gzip);

    private static byte[] MutateXes(int[] positions, int[] kinds, string[] inserts, string[] values, bool gzip)
    {
        var text = SampleXes;
        for (var m = 0; m < kinds.Length && text.Length > 0; m++)
        {
            var at = positions[m] % text.Length;
            text = kinds[m] switch
            {
                0 or 1 => text.Insert(at, inserts[m]),
                2 => text.Remove(at, Math.Min(1 + (positions[m] % 40), text.Length - at)),
                3 => ReplaceValue(text, at, values[m]),
                _ => text[..at],
            };
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (!gzip)
        {
            return bytes;
        }

        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
        {
            zip.Write(bytes);
        }

        var compressed = buffer.ToArray();
        // Half of the compressed ones are cut short: a broken download.
        return positions[0] % 2 == 0 ? compressed : compressed[..Math.Max(3, compressed.Length / 2)];
    }

    private static string ReplaceValue(string text, int from, string value)
    {
        var start = text.IndexOf("value=\"", from, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var end = text.IndexOf('"', start + 7);
        return end < 0 ? text : text[..(start + 7)] + System.Security.SecurityElement.Escape(value) + text[end..];
    }

    [Fact]
    public void Mutated_xes_logs_are_read_or_refused_with_a_position_and_what_is_read_can_be_mined()
    {
        var (read, refused) = (0, 0);
        foreach (var bytes in MutatedXes().Sample(400, 40))
        {
            MiningLog log;
            try
            {
                log = Xes.Read(new MemoryStream(bytes)).Build();
            }
            catch (FormatException ex)
            {
                refused++;
                Assert.DoesNotContain("root:", ex.Message, StringComparison.Ordinal); // no entity was expanded from /etc/passwd
                continue;
            }

            read++;
            var all = log.AllCases();
            Assert.NotNull(VariantIndex.Build(log));
            Assert.NotNull(DirectlyFollows.Compute(log, all, performance: true));
        }

        Assert.True(read > 0 && refused > 0, $"{read} read and {refused} refused: the generator does not reach both sides");
    }

    [Fact]
    public void An_external_entity_is_refused_not_expanded()
    {
        var xxe = SampleXes.Replace("<log ", "<!DOCTYPE log [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><log ", StringComparison.Ordinal)
            .Replace("value=\"INV-1\"", "value=\"&xxe;\"", StringComparison.Ordinal);

        var error = Assert.Throws<FormatException>(() => Xes.Read(new MemoryStream(Encoding.UTF8.GetBytes(xxe))));

        Assert.StartsWith("XES line ", error.Message, StringComparison.Ordinal);
        Assert.Contains("DTD", error.Message, StringComparison.Ordinal);
    }
}
