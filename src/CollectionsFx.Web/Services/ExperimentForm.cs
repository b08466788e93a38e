using System.Globalization;
using System.Text;
using CollectionsFx.Contracts;
using CollectionsFx.Domain.Experiments;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Web.Services;

/// <summary>
/// The Steering view's "new experiment" form. The champion is not chosen: it is the playbook in force for the population
/// (segments × risk bands), so the champion arm is dunned exactly as before; a population whose customers have different
/// playbooks in force is refused, with the split named, because there would be no single champion to beat.
/// </summary>
public sealed class ExperimentForm
{
    public static readonly IReadOnlyList<string> Bands = ["low", "medium", "high"];

    public string Name { get; set; } = "";

    public HashSet<Segment> Segments { get; } = [Segment.MidMarket, Segment.Smb];

    public HashSet<string> RiskBands { get; } = ["low", "medium"];

    public string? Challenger { get; set; }

    /// <summary>The challenger's share of the population, in percent.</summary>
    public int ChallengerPercent { get; set; } = 50;

    /// <summary>The smallest difference in days late worth detecting: it sets how many customers (and days) a decision needs.</summary>
    public int MinimumEffectDays { get; set; } = 2;

    /// <summary>The playbook in force for every customer of the population, or null when there is none or more than one.</summary>
    public PlaybookOption? Champion(IReadOnlyList<PlaybookOption> playbooks) =>
        InForce(playbooks) is { Count: 1 } one ? one.Values.Single() : null;

    /// <summary>What keeps the form from being sent, in words; empty when it can be.</summary>
    public IReadOnlyList<string> Problems(IReadOnlyList<PlaybookOption> playbooks)
    {
        ArgumentNullException.ThrowIfNull(playbooks);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Slug(Name).Length == 0)
        {
            problems.Add("Name the experiment (letters or digits).");
        }

        if (Segments.Count == 0 || RiskBands.Count == 0)
        {
            problems.Add("Choose at least one segment and one risk band.");
        }
        else if (InForce(playbooks) is { Count: > 1 } split)
        {
            problems.Add("These customers are dunned by different playbooks today (" + string.Join("; ", split.Select(s => $"{s.Value.Id} for {s.Key}")) + "): narrow the population to one.");
        }

        if (Challenger is null)
        {
            problems.Add("Choose the challenger playbook.");
        }
        else if (Champion(playbooks) is { } champion && champion.Id == Challenger)
        {
            problems.Add($"'{Challenger}' is already the playbook in force: choose another challenger.");
        }

        if (ChallengerPercent is < 5 or > 95)
        {
            problems.Add("The challenger's share must be between 5% and 95%.");
        }

        if (MinimumEffectDays is < 1 or > 30)
        {
            problems.Add("The smallest effect worth detecting must be between 1 and 30 days.");
        }

        return problems;
    }

    /// <summary>The design to send; call only when <see cref="Problems"/> is empty.</summary>
    public ExperimentDesign ToDesign(IReadOnlyList<PlaybookOption> playbooks)
    {
        var champion = Champion(playbooks) ?? throw new InvalidOperationException("No single playbook in force for this population.");
        var share = ChallengerPercent / 100.0;
        return new ExperimentDesign(
            Slug(Name), Name.Trim(), "champion",
            [new ExperimentArm("champion", champion.Id, 1 - share), new ExperimentArm("challenger", Challenger!, share)],
            new Eligibility([.. Segments.Order()], [.. Bands.Where(RiskBands.Contains)]), new Guardrail(), MinimumEffectDays);
    }

    /// <summary>An id from a name: lower-case letters and digits joined by '-', at most 64 characters.</summary>
    public static string Slug(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var id = new StringBuilder();
        foreach (var c in name.Trim().ToLower(CultureInfo.InvariantCulture))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                id.Append(c);
            }
            else if (id.Length > 0 && id[^1] != '-')
            {
                id.Append('-');
            }
        }

        return id.ToString().Trim('-') is var s && s.Length > 64 ? s[..64].TrimEnd('-') : s;
    }

    // Each segment × band of the population, grouped by the playbook in force for it (as the dunning picks one).
    private Dictionary<string, PlaybookOption> InForce(IReadOnlyList<PlaybookOption> playbooks)
    {
        var cells = Segments.Order().SelectMany(s => Bands.Where(RiskBands.Contains).Select(b => (Cell: $"{s}/{b}", Playbook: playbooks.FirstOrDefault(p => p.Segments.Contains(s) && p.RiskBands.Contains(b)))))
            .Where(c => c.Playbook is not null).ToList();
        return cells.GroupBy(c => c.Playbook!.Id, StringComparer.Ordinal)
            .ToDictionary(g => string.Join(", ", g.Select(c => c.Cell)), g => g.First().Playbook!, StringComparer.Ordinal);
    }
}

/// <summary>An experiment's outcomes as the Steering view writes them: a label per metric, shares as percent, days with "d".</summary>
public static class ExperimentText
{
    /// <summary>The outcome's name for people.</summary>
    public static string Label(string metric) => metric switch
    {
        "daysLate" => "Days late (amount-weighted)",
        "paidWithin30Days" => "Paid within 30 days of due",
        "promiseKeptRate" => "Promises kept",
        "disputeRate" => "Customers disputing",
        "costPerCustomer" => "Cost of collections per customer",
        _ => metric,
    };

    /// <summary>A mean or difference of <paramref name="metric"/>: shares in percent (points for differences), days, cost units; "–" for no number.</summary>
    public static string Value(string metric, double value, bool difference = false)
    {
        if (!double.IsFinite(value))
        {
            return "–";
        }

        var sign = difference && value > 0 ? "+" : "";
        return metric switch
        {
            "paidWithin30Days" or "promiseKeptRate" or "disputeRate" => sign + (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + (difference ? " pts" : "%"),
            "daysLate" => sign + value.ToString("0.0", CultureInfo.InvariantCulture) + " d",
            _ => sign + value.ToString("0.00", CultureInfo.InvariantCulture),
        };
    }
}
