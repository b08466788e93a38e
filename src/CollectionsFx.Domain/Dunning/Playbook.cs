using System.Globalization;
using System.Text.Json;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Dunning;

/// <summary>How a dunning step reaches the customer (DOMAIN.md §6).</summary>
public enum DunningChannel
{
    Email,
    CallTask,
    CrmEscalation,
    SalesSupport,
    CreditHold,
}

/// <summary>
/// One step of a playbook: <see cref="Day"/> days relative to the due date (negative: a reminder before it is due; never 0),
/// the channel, the template, the least open amount it is worth, and whether a manager must approve it.
/// </summary>
public sealed record PlaybookStep(string Id, int Day, DunningChannel Channel, string Template, decimal MinimumOpenAmount, bool RequiresApproval);

/// <summary>A playbook: for which segments and risk bands it is, and its steps in day order (a step's level is its position, 1-based).</summary>
public sealed record Playbook(string Id, string Name, IReadOnlyList<Segment> Segments, IReadOnlyList<string> RiskBands, IReadOnlyList<PlaybookStep> Steps);

/// <summary>A playbook file's error: the JSON path of the value at fault and what is wrong with it.</summary>
public sealed record PlaybookError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// The playbooks in force, chosen per customer by segment × risk band, and the length of a playbook "day" (one day in
/// production; milliseconds in tests, so a whole cycle runs in seconds).
/// </summary>
public sealed class PlaybookSet
{
    /// <summary>The risk bands of DOMAIN.md §7; "unscored" is treated as "medium".</summary>
    public static readonly IReadOnlyList<string> RiskBands = ["low", "medium", "high"];

    private PlaybookSet(IReadOnlyList<Playbook> playbooks, TimeSpan dayLength)
    {
        Playbooks = playbooks;
        DayLength = dayLength;
    }

    public IReadOnlyList<Playbook> Playbooks { get; }

    /// <summary>How long a playbook day lasts.</summary>
    public TimeSpan DayLength { get; }

    /// <summary>The playbook of a customer of <paramref name="segment"/> in <paramref name="riskBand"/> (unscored or unknown: medium).</summary>
    public Playbook For(Segment segment, string? riskBand)
    {
        var band = riskBand is "low" or "medium" or "high" ? riskBand : "medium";
        return Playbooks.First(p => p.Segments.Contains(segment) && p.RiskBands.Contains(band));
    }

    /// <summary>The playbooks shipped with CollectionsFx (strategic/low risk, mid-market, high risk).</summary>
    public static PlaybookSet Default()
    {
        using var stream = typeof(PlaybookSet).Assembly.GetManifestResourceStream("dunning/playbooks.json")!;
        using var reader = new StreamReader(stream);
        var (set, errors) = Parse(reader.ReadToEnd());
        return set ?? throw new InvalidOperationException("The shipped playbooks are invalid: " + string.Join("; ", errors));
    }

    /// <summary>
    /// Reads and checks a playbook file. Every error names the JSON path of the value at fault; with any error there is no set
    /// (the caller keeps the previous one). Every segment × risk band must be covered by exactly one playbook.
    /// </summary>
    public static (PlaybookSet? Set, IReadOnlyList<PlaybookError> Errors) Parse(string json)
    {
        var errors = new List<PlaybookError>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            return (null, [new PlaybookError("$", "not JSON: " + ex.Message)]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [new PlaybookError("$", "must be an object with \"dayLength\" and \"playbooks\"")]);
            }

            Unknown(root, "$", ["$schema", "dayLength", "playbooks"], errors);
            var dayLength = TimeSpan.FromDays(1);
            if (root.TryGetProperty("dayLength", out var d))
            {
                if (d.ValueKind != JsonValueKind.String || !TimeSpan.TryParse(d.GetString(), CultureInfo.InvariantCulture, out dayLength) || dayLength <= TimeSpan.Zero)
                {
                    errors.Add(new PlaybookError("$.dayLength", "must be a positive duration d.hh:mm:ss[.fff] (1.00:00:00 in production)"));
                }
            }

            var playbooks = new List<Playbook>();
            if (!root.TryGetProperty("playbooks", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                errors.Add(new PlaybookError("$.playbooks", "must be a non-empty array"));
            }
            else
            {
                var i = 0;
                foreach (var p in list.EnumerateArray())
                {
                    if (ReadPlaybook(p, $"$.playbooks[{i}]", errors) is { } playbook)
                    {
                        playbooks.Add(playbook);
                    }

                    i++;
                }

                CheckCoverage(playbooks, errors);
            }

            return errors.Count > 0 ? (null, errors) : (new PlaybookSet(playbooks, dayLength), errors);
        }
    }

    private static Playbook? ReadPlaybook(JsonElement p, string path, List<PlaybookError> errors)
    {
        if (p.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new PlaybookError(path, "must be an object"));
            return null;
        }

        var before = errors.Count;
        Unknown(p, path, ["id", "name", "match", "steps"], errors);
        var id = Text(p, "id", path, errors);
        var name = Text(p, "name", path, errors);
        var segments = new List<Segment>();
        var bands = new List<string>();
        if (!p.TryGetProperty("match", out var match) || match.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new PlaybookError(path + ".match", "must be an object with \"segments\" and \"riskBands\""));
        }
        else
        {
            Unknown(match, path + ".match", ["segments", "riskBands"], errors);
            foreach (var (value, at) in Strings(match, "segments", path + ".match", errors))
            {
                if (Enum.TryParse<Segment>(value, ignoreCase: true, out var s) && !int.TryParse(value, out _))
                {
                    segments.Add(s);
                }
                else
                {
                    errors.Add(new PlaybookError(at, $"'{value}' is not a segment ({string.Join(", ", Enum.GetNames<Segment>())})"));
                }
            }

            foreach (var (value, at) in Strings(match, "riskBands", path + ".match", errors))
            {
                if (RiskBands.Contains(value))
                {
                    bands.Add(value);
                }
                else
                {
                    errors.Add(new PlaybookError(at, $"'{value}' is not a risk band (low, medium, high)"));
                }
            }
        }

        var steps = new List<PlaybookStep>();
        if (!p.TryGetProperty("steps", out var stepList) || stepList.ValueKind != JsonValueKind.Array || stepList.GetArrayLength() == 0)
        {
            errors.Add(new PlaybookError(path + ".steps", "must be a non-empty array"));
        }
        else
        {
            var k = 0;
            foreach (var s in stepList.EnumerateArray())
            {
                if (ReadStep(s, $"{path}.steps[{k}]", errors) is { } step)
                {
                    if (steps.Count > 0 && step.Day <= steps[^1].Day)
                    {
                        errors.Add(new PlaybookError($"{path}.steps[{k}].day", $"must be later than the step before ({steps[^1].Day}): steps are in day order"));
                    }

                    if (steps.Any(x => x.Id == step.Id))
                    {
                        errors.Add(new PlaybookError($"{path}.steps[{k}].id", $"'{step.Id}' is used by an earlier step"));
                    }

                    steps.Add(step);
                }

                k++;
            }
        }

        return errors.Count > before ? null : new Playbook(id!, name!, segments, bands, steps);
    }

    private static PlaybookStep? ReadStep(JsonElement s, string path, List<PlaybookError> errors)
    {
        if (s.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new PlaybookError(path, "must be an object"));
            return null;
        }

        var before = errors.Count;
        Unknown(s, path, ["id", "day", "channel", "template", "minimumOpenAmount", "requiresApproval"], errors);
        var id = Text(s, "id", path, errors);
        var template = Text(s, "template", path, errors);
        var day = 0;
        if (!s.TryGetProperty("day", out var d) || d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out day) || day is 0 or < -60 or > 365)
        {
            errors.Add(new PlaybookError(path + ".day", "must be a whole number of days from the due date, -60 to 365, not 0 (a reminder is before or after the due date, never on it)"));
        }

        var channel = DunningChannel.Email;
        if (!s.TryGetProperty("channel", out var c) || c.ValueKind != JsonValueKind.String || !Enum.TryParse(c.GetString(), ignoreCase: true, out channel) || int.TryParse(c.GetString(), out _))
        {
            errors.Add(new PlaybookError(path + ".channel", "must be one of email, callTask, crmEscalation, salesSupport, creditHold"));
        }

        decimal minimum = 0;
        if (s.TryGetProperty("minimumOpenAmount", out var m) && (m.ValueKind != JsonValueKind.Number || !m.TryGetDecimal(out minimum) || minimum < 0))
        {
            errors.Add(new PlaybookError(path + ".minimumOpenAmount", "must be a number ≥ 0 (reporting currency)"));
        }

        var approval = false;
        if (s.TryGetProperty("requiresApproval", out var a))
        {
            if (a.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                approval = a.GetBoolean();
            }
            else
            {
                errors.Add(new PlaybookError(path + ".requiresApproval", "must be true or false"));
            }
        }

        return errors.Count > before ? null : new PlaybookStep(id!, day, channel, template!, minimum, approval);
    }

    private static void CheckCoverage(List<Playbook> playbooks, List<PlaybookError> errors)
    {
        for (var i = 0; i < playbooks.Count; i++)
        {
            if (playbooks.Take(i).Any(p => p.Id == playbooks[i].Id))
            {
                errors.Add(new PlaybookError($"$.playbooks[{i}].id", $"'{playbooks[i].Id}' is used by an earlier playbook"));
            }
        }

        foreach (var segment in Enum.GetValues<Segment>())
        {
            foreach (var band in RiskBands)
            {
                var matching = playbooks.Where(p => p.Segments.Contains(segment) && p.RiskBands.Contains(band)).Select(p => p.Id).ToList();
                if (matching.Count != 1)
                {
                    errors.Add(new PlaybookError("$.playbooks", matching.Count == 0
                        ? $"no playbook for segment {segment} and risk band {band}: every combination needs exactly one"
                        : $"segment {segment} and risk band {band} match {string.Join(" and ", matching)}: every combination needs exactly one"));
                }
            }
        }
    }

    /// <summary>A misspelt property (say "requiresAproval") would silently change a step: every unknown property is an error.</summary>
    private static void Unknown(JsonElement e, string path, string[] known, List<PlaybookError> errors)
    {
        foreach (var property in e.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new PlaybookError($"{path}.{property.Name}", $"is not a known property ({string.Join(", ", known)})"));
            }
        }
    }

    private static string? Text(JsonElement e, string name, string path, List<PlaybookError> errors)
    {
        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()))
        {
            return v.GetString();
        }

        errors.Add(new PlaybookError($"{path}.{name}", "must be a non-empty string"));
        return null;
    }

    private static IEnumerable<(string Value, string Path)> Strings(JsonElement e, string name, string path, List<PlaybookError> errors)
    {
        if (!e.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            errors.Add(new PlaybookError($"{path}.{name}", "must be a non-empty array of strings"));
            yield break;
        }

        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                yield return (item.GetString()!, $"{path}.{name}[{i}]");
            }
            else
            {
                errors.Add(new PlaybookError($"{path}.{name}[{i}]", "must be a string"));
            }

            i++;
        }
    }
}
