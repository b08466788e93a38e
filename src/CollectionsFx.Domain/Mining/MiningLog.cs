namespace CollectionsFx.Domain.Mining;

/// <summary>
/// An event log in columns, for process mining: activities, resources and case ids interned to ints,
/// timestamps as UTC ticks, and each case's events contiguous and ordered by time (ties keep input order).
/// Case attributes (segment, country, amount band, ...) are string columns, one value per case.
/// </summary>
public sealed class MiningLog
{
    internal MiningLog(
        string[] activityNames, string[] resourceNames, string[] caseIds, int[] caseStart, int[] activity, int[] resource, long[] ticks,
        Dictionary<string, string?[]> caseAttributes)
    {
        ActivityNames = activityNames;
        ResourceNames = resourceNames;
        CaseIds = caseIds;
        CaseStart = caseStart;
        Activity = activity;
        Resource = resource;
        Ticks = ticks;
        CaseAttributes = caseAttributes;
    }

    /// <summary>Index → activity name.</summary>
    public IReadOnlyList<string> ActivityNames { get; }

    /// <summary>Index → resource name (index 0 is the empty resource).</summary>
    public IReadOnlyList<string> ResourceNames { get; }

    /// <summary>Case index → case id.</summary>
    public IReadOnlyList<string> CaseIds { get; }

    /// <summary>Case <c>c</c>'s events are <c>CaseStart[c]</c> up to (not including) <c>CaseStart[c + 1]</c>.</summary>
    internal int[] CaseStart { get; }

    /// <summary>Activity index per event.</summary>
    internal int[] Activity { get; }

    /// <summary>Resource index per event.</summary>
    internal int[] Resource { get; }

    /// <summary>UTC ticks per event.</summary>
    internal long[] Ticks { get; }

    /// <summary>Case attribute columns by name.</summary>
    public IReadOnlyDictionary<string, string?[]> CaseAttributes { get; }

    public int CaseCount => CaseIds.Count;

    public int EventCount => Activity.Length;

    /// <summary>The activities of one case, in order.</summary>
    public ReadOnlySpan<int> ActivitiesOf(int caseIndex) => Activity.AsSpan(CaseStart[caseIndex], CaseStart[caseIndex + 1] - CaseStart[caseIndex]);

    /// <summary>First and last timestamp of a case (UTC ticks).</summary>
    public (long Start, long End) SpanOf(int caseIndex) => (Ticks[CaseStart[caseIndex]], Ticks[CaseStart[caseIndex + 1] - 1]);

    /// <summary>Events of one case as readable rows.</summary>
    public IEnumerable<MiningEvent> EventsOf(int caseIndex)
    {
        for (var e = CaseStart[caseIndex]; e < CaseStart[caseIndex + 1]; e++)
        {
            yield return new MiningEvent(CaseIds[caseIndex], ActivityNames[Activity[e]], new DateTimeOffset(Ticks[e], TimeSpan.Zero), ResourceNames[Resource[e]]);
        }
    }

    /// <summary>Every case index, for "no filter".</summary>
    public int[] AllCases() => Enumerable.Range(0, CaseCount).ToArray();
}

/// <summary>One event as a row.</summary>
public sealed record MiningEvent(string CaseId, string Activity, DateTimeOffset Timestamp, string Resource);

/// <summary>An input row the builder refused, with its reason (nothing is dropped silently).</summary>
public sealed record SkippedEvent(string Where, string Reason);

/// <summary>Collects events in any order and builds a <see cref="MiningLog"/>.</summary>
public sealed class MiningLogBuilder
{
    private readonly Dictionary<string, int> activities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> resources = new(StringComparer.Ordinal) { [string.Empty] = 0 };
    private readonly Dictionary<string, int> cases = new(StringComparer.Ordinal);
    private readonly List<string> activityNames = [];
    private readonly List<string> resourceNames = [string.Empty];
    private readonly List<string> caseIds = [];
    private readonly Dictionary<string, Dictionary<int, string?>> caseAttributes = new(StringComparer.Ordinal);
    private int[] caseOf = new int[1024];
    private int[] activityOf = new int[1024];
    private int[] resourceOf = new int[1024];
    private long[] ticksOf = new long[1024];
    private int count;

    /// <summary>Creates an empty builder.</summary>
    public MiningLogBuilder()
    {
        caseLookup = cases.GetAlternateLookup<ReadOnlySpan<char>>();
        activityLookup = activities.GetAlternateLookup<ReadOnlySpan<char>>();
        resourceLookup = resources.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> caseLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> activityLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> resourceLookup;

    /// <summary>Events and cases the input had but the log does not, with reasons.</summary>
    public List<SkippedEvent> Skipped { get; } = [];

    /// <summary>Number of events added.</summary>
    public int Count => count;

    /// <summary>Adds one event.</summary>
    public void Add(string caseId, string activity, DateTimeOffset timestamp, string? resource = null)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        ArgumentNullException.ThrowIfNull(activity);
        Add(caseId.AsSpan(), activity.AsSpan(), timestamp.UtcTicks, resource.AsSpan());
    }

    /// <summary>Adds one event from characters (no string is made for a case, activity or resource seen before).</summary>
    public void Add(ReadOnlySpan<char> caseId, ReadOnlySpan<char> activity, long utcTicks, ReadOnlySpan<char> resource)
    {
        if (count == caseOf.Length)
        {
            var size = count * 2;
            Array.Resize(ref caseOf, size);
            Array.Resize(ref activityOf, size);
            Array.Resize(ref resourceOf, size);
            Array.Resize(ref ticksOf, size);
        }

        // Logs usually list a case's events together: the previous row's case is checked before the dictionary.
        if (count > 0 && caseId.SequenceEqual(caseIds[caseOf[count - 1]]))
        {
            caseOf[count] = caseOf[count - 1];
        }
        else
        {
            caseOf[count] = Intern(caseLookup, caseIds, caseId);
        }

        activityOf[count] = Intern(activityLookup, activityNames, activity);
        resourceOf[count] = resource.IsEmpty ? 0 : Intern(resourceLookup, resourceNames, resource);
        ticksOf[count] = utcTicks;
        count++;
    }

    /// <summary>Sets an attribute of a case (the case is created if new, so a case may exist before its events).</summary>
    public void SetCaseAttribute(string caseId, string name, string? value)
    {
        if (!caseAttributes.TryGetValue(name, out var column))
        {
            caseAttributes[name] = column = [];
        }

        column[Case(caseId)] = value;
    }

    /// <summary>
    /// Appends everything <paramref name="other"/> collected after what this builder has (as if its input followed this one's):
    /// names are re-interned, cases that both saw are merged, skipped rows are kept.
    /// </summary>
    public void Append(MiningLogBuilder other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var caseMap = other.caseIds.Select(id => Case(id)).ToArray();
        var activityMap = other.activityNames.Select(n => Intern(activities, activityNames, n)).ToArray();
        var resourceMap = other.resourceNames.Select(n => n.Length == 0 ? 0 : Intern(resources, resourceNames, n)).ToArray();
        var size = count + other.count;
        if (size > caseOf.Length)
        {
            Array.Resize(ref caseOf, size);
            Array.Resize(ref activityOf, size);
            Array.Resize(ref resourceOf, size);
            Array.Resize(ref ticksOf, size);
        }

        for (var i = 0; i < other.count; i++)
        {
            caseOf[count + i] = caseMap[other.caseOf[i]];
            activityOf[count + i] = activityMap[other.activityOf[i]];
            resourceOf[count + i] = resourceMap[other.resourceOf[i]];
        }

        Array.Copy(other.ticksOf, 0, ticksOf, count, other.count);
        count = size;
        foreach (var (name, values) in other.caseAttributes)
        {
            foreach (var (c, value) in values)
            {
                if (value is not null)
                {
                    SetCaseAttributeIfAbsent(other.caseIds[c], name, value);
                }
            }
        }

        Skipped.AddRange(other.Skipped);
    }

    /// <summary>Sets a case attribute unless the case already has a value for it.</summary>
    public void SetCaseAttributeIfAbsent(string caseId, string name, string value)
    {
        if (!caseAttributes.TryGetValue(name, out var column) || !column.ContainsKey(Case(caseId)))
        {
            SetCaseAttribute(caseId, name, value);
        }
    }

    /// <summary>
    /// Builds the log: cases in order of first appearance; each case's events ordered by time, ties in input order.
    /// Cases without events are left out.
    /// </summary>
    public MiningLog Build()
    {
        var n = count;
        var caseCount = caseIds.Count;
        var sizes = new int[caseCount + 1];
        for (var i = 0; i < n; i++)
        {
            sizes[caseOf[i] + 1]++;
        }

        // Keep only cases with events; renumber them densely in first-appearance order.
        var newIndex = new int[caseCount];
        var kept = new List<string>(caseCount);
        for (var c = 0; c < caseCount; c++)
        {
            newIndex[c] = sizes[c + 1] > 0 ? kept.Count : -1;
            if (newIndex[c] >= 0)
            {
                kept.Add(caseIds[c]);
            }
        }

        var start = new int[kept.Count + 1];
        for (var c = 0; c < caseCount; c++)
        {
            if (newIndex[c] >= 0)
            {
                start[newIndex[c] + 1] = sizes[c + 1];
            }
        }

        for (var c = 0; c < kept.Count; c++)
        {
            start[c + 1] += start[c];
        }

        var next = (int[])start.Clone();
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[next[newIndex[caseOf[i]]]++] = i; // counting sort by case: stable
        }

        for (var c = 0; c < kept.Count; c++)
        {
            SortByTime(order, start[c], start[c + 1] - start[c]);
        }

        var activity = new int[n];
        var resource = new int[n];
        var ticks = new long[n];
        for (var i = 0; i < n; i++)
        {
            activity[i] = activityOf[order[i]];
            resource[i] = resourceOf[order[i]];
            ticks[i] = ticksOf[order[i]];
        }

        var attributes = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (var (name, values) in caseAttributes)
        {
            var column = new string?[kept.Count];
            foreach (var (c, v) in values)
            {
                if (newIndex[c] >= 0)
                {
                    column[newIndex[c]] = v;
                }
            }

            attributes[name] = column;
        }

        return new MiningLog(activityNames.ToArray(), resourceNames.ToArray(), kept.ToArray(), start, activity, resource, ticks, attributes);
    }

    private void SortByTime(int[] order, int from, int length)
    {
        var sorted = true;
        for (var i = from + 1; i < from + length && sorted; i++)
        {
            sorted = ticksOf[order[i - 1]] <= ticksOf[order[i]];
        }

        if (sorted)
        {
            return;
        }

        // Indices ascend within the segment (counting sort is stable), so (ticks, index) is a stable key.
        var keys = new (long, int)[length];
        for (var i = 0; i < length; i++)
        {
            keys[i] = (ticksOf[order[from + i]], order[from + i]);
        }

        Array.Sort(keys);
        for (var i = 0; i < length; i++)
        {
            order[from + i] = keys[i].Item2;
        }
    }

    private int Case(string caseId) => Intern(cases, caseIds, caseId);

    private static int Intern(Dictionary<string, int> map, List<string> names, ReadOnlySpan<char> value) =>
        Intern(map.GetAlternateLookup<ReadOnlySpan<char>>(), names, value);

    private static int Intern(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, List<string> names, ReadOnlySpan<char> value)
    {
        if (!lookup.TryGetValue(value, out var index))
        {
            var text = value.ToString();
            lookup.Dictionary[text] = index = names.Count;
            names.Add(text);
        }

        return index;
    }
}
