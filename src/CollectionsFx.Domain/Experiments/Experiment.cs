using System.Security.Cryptography;
using System.Text;
using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Experiments;

/// <summary>One arm of an experiment: the playbook its customers are dunned with and its share of the eligible customers.</summary>
public sealed record ExperimentArm(string Id, string PlaybookId, double Share);

/// <summary>Who takes part: customers of these segments and risk bands (null: all).</summary>
public sealed record Eligibility(IReadOnlyList<Segment>? Segments = null, IReadOnlyList<string>? RiskBands = null)
{
    public bool Admits(Segment segment, string riskBand) =>
        (Segments is null || Segments.Contains(segment)) && (RiskBands is null || RiskBands.Contains(riskBand, StringComparer.Ordinal));
}

/// <summary>
/// When an arm is stopped by itself: its share of customers with a dispute (or complaint) opened during the experiment
/// exceeds the champion's by more than <see cref="MaxDisputeRateIncrease"/> (absolute, 0.05 = five points), once both arms
/// have at least <see cref="MinCustomers"/> customers.
/// </summary>
public sealed record Guardrail(double MaxDisputeRateIncrease = 0.05, int MinCustomers = 30);

/// <summary>
/// A champion/challenger experiment on dunning playbooks: the champion arm (the playbook in force) and one or more
/// challengers, shares summing to 1, the eligible population, the guardrail and the smallest effect worth detecting (in days
/// late) for the sample-size estimate.
/// </summary>
public sealed record ExperimentDesign(
    string Id, string Name, string ChampionArm, IReadOnlyList<ExperimentArm> Arms, Eligibility Eligible, Guardrail Guardrail, double MinimumEffectDays = 1.0)
{
    /// <summary>What is wrong with the design, each naming its field; empty when it can run.</summary>
    public IReadOnlyList<(string Field, string Message)> Problems()
    {
        var problems = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(Id) || Id.Length > 64 || !Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            problems.Add(("id", "must be 1-64 letters, digits, '-' or '_'"));
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add(("name", "is required"));
        }

        if (Eligible?.RiskBands?.FirstOrDefault(b => b is not ("low" or "medium" or "high")) is { } band)
        {
            problems.Add(("eligible.riskBands", $"'{band}' is not a risk band (low, medium, high)"));
        }

        if (Arms is null || Arms.Count < 2)
        {
            problems.Add(("arms", "needs the champion and at least one challenger"));
            return problems;
        }

        if (Arms.Any(a => a is null || string.IsNullOrWhiteSpace(a.Id)))
        {
            problems.Add(("arms.id", "every arm needs an id"));
            return problems;
        }

        if (Arms.Select(a => a.Id).Distinct(StringComparer.Ordinal).Count() != Arms.Count)
        {
            problems.Add(("arms", "arm ids must be distinct"));
        }

        if (!Arms.Any(a => a.Id == ChampionArm))
        {
            problems.Add(("championArm", $"'{ChampionArm}' is not one of the arms"));
        }

        if (Arms.Any(a => !(a.Share > 0 && a.Share < 1)))
        {
            problems.Add(("arms.share", "every share must be between 0 and 1"));
        }
        else if (Math.Abs(Arms.Sum(a => a.Share) - 1) > 1e-9)
        {
            problems.Add(("arms.share", $"shares must sum to 1 (they sum to {Arms.Sum(a => a.Share):0.###})"));
        }

        if (Arms.Any(a => string.IsNullOrWhiteSpace(a.PlaybookId)))
        {
            problems.Add(("arms.playbookId", "every arm needs a playbook"));
        }

        if (!(MinimumEffectDays > 0 && MinimumEffectDays <= 60))
        {
            problems.Add(("minimumEffectDays", "must be more than 0 and at most 60 days"));
        }

        if (Guardrail is null || !(Guardrail.MaxDisputeRateIncrease is > 0 and < 1) || Guardrail.MinCustomers < 1)
        {
            problems.Add(("guardrail", "maxDisputeRateIncrease must be between 0 and 1 and minCustomers at least 1"));
        }

        return problems;
    }
}

/// <summary>
/// Which arm a customer is in. At the start the eligible customers are assigned stratified by risk band: within each band
/// they are ordered by a hash of experiment and customer id (a random order nobody can steer) and the arms take their share
/// of that order, so every band is split as the shares say and the arms are comparable. A customer who becomes eligible later
/// is placed by the same hash alone. The assignment is recorded (in the event log) and kept for the experiment's life.
/// </summary>
public static class ArmAssignment
{
    /// <summary>A number in [0, 1) fixed by experiment and customer (SHA-256), the same on every machine and every run.</summary>
    public static double Uniform(string experimentId, string customerId)
    {
        ArgumentNullException.ThrowIfNull(experimentId);
        ArgumentNullException.ThrowIfNull(customerId);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(experimentId + "\u001f" + customerId));
        return (BitConverter.ToUInt64(hash, 0) >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Assigns the eligible customers at the start, stratified by risk band (largest remainders per band).</summary>
    public static IReadOnlyDictionary<string, string> AssignAtStart(ExperimentDesign design, IEnumerable<(string CustomerId, string RiskBand)> eligible)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(eligible);
        var assignment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var band in eligible.DistinctBy(e => e.CustomerId).GroupBy(e => e.RiskBand, StringComparer.Ordinal))
        {
            var ordered = band.OrderBy(e => Uniform(design.Id, e.CustomerId)).ThenBy(e => e.CustomerId, StringComparer.Ordinal).ToList();
            var quotas = Quotas(design.Arms, ordered.Count);
            var position = 0;
            for (var a = 0; a < design.Arms.Count; a++)
            {
                for (var k = 0; k < quotas[a]; k++)
                {
                    assignment[ordered[position++].CustomerId] = design.Arms[a].Id;
                }
            }
        }

        return assignment;
    }

    /// <summary>The arm of a customer who becomes eligible after the start: the hash over the cumulative shares.</summary>
    public static string AssignLate(ExperimentDesign design, string customerId)
    {
        ArgumentNullException.ThrowIfNull(design);
        var u = Uniform(design.Id, customerId);
        var cumulative = 0.0;
        foreach (var arm in design.Arms)
        {
            cumulative += arm.Share;
            if (u < cumulative)
            {
                return arm.Id;
            }
        }

        return design.Arms[^1].Id;
    }

    /// <summary>How many of <paramref name="count"/> customers each arm takes: floor of its share, the rest by largest remainder.</summary>
    public static int[] Quotas(IReadOnlyList<ExperimentArm> arms, int count)
    {
        ArgumentNullException.ThrowIfNull(arms);
        var exact = arms.Select(a => a.Share * count).ToArray();
        var quotas = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = count - quotas.Sum();
        foreach (var i in Enumerable.Range(0, arms.Count).OrderByDescending(i => exact[i] - quotas[i]).ThenBy(i => i).Take(left))
        {
            quotas[i]++;
        }

        return quotas;
    }
}
