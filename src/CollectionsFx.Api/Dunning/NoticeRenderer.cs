using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using CollectionsFx.Domain.Dunning;
using Fluid;

namespace CollectionsFx.Api.Dunning;

/// <summary>A notice in words: subject, HTML body (every value HTML-escaped) and a plain-text body, in one language.</summary>
public sealed record RenderedNotice(string Subject, string Html, string Text, string Language);

/// <summary>Who a notice is from and to, as the templates print them.</summary>
public sealed record NoticeParties(string Customer, string Collector, string Company)
{
    /// <summary>The parties of a mail to <paramref name="account"/>: signed by its collector, or by accounts receivable when it has none.</summary>
    public static NoticeParties Of(Domain.Insights.ArAccount account, string company)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Name, account.Collector == Domain.Insights.ArAccount.Unassigned ? "Accounts receivable" : account.Collector, company);
    }
}

/// <summary>
/// Renders dunning notices from the Liquid templates shipped in <c>Dunning/Templates</c> (<c>{template}.{language}.liquid</c>:
/// first line <c>Subject: …</c>, then the HTML body; <c>{% render 'lines' %}</c> is the language's table of invoices).
/// Values are HTML-escaped in the body (customer-supplied names cannot inject markup); amounts and dates are formatted for
/// the language by hand, as the host runs with invariant globalization.
/// </summary>
public sealed partial class NoticeRenderer
{
    /// <summary>Languages with templates; anything else falls back to English.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "de", "fr"];

    private readonly Dictionary<(string Template, string Language), (IFluidTemplate Subject, IFluidTemplate Body)> templates = [];
    private readonly TemplateOptions options = TemplateOptions.Default;

    public NoticeRenderer()
    {
        var parser = new FluidParser();
        var assembly = typeof(NoticeRenderer).Assembly;
        const string Prefix = "dunning/templates/";
        var sources = assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[Prefix.Length..^".liquid".Length], n => new StreamReader(assembly.GetManifestResourceStream(n)!).ReadToEnd(), StringComparer.Ordinal);
        foreach (var (name, source) in sources.Where(s => !s.Key.StartsWith("lines.", StringComparison.Ordinal)))
        {
            var dot = name.LastIndexOf('.');
            var (template, language) = (name[..dot], name[(dot + 1)..]);
            var newline = source.IndexOf('\n', StringComparison.Ordinal);
            var subject = source[..newline].Trim();
            if (!subject.StartsWith("Subject:", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Template {name} must start with a 'Subject:' line.");
            }

            var body = source[(newline + 1)..].Replace("{% render 'lines' %}", sources["lines." + language], StringComparison.Ordinal);
            templates[(template, language)] = (Parse(parser, name, subject["Subject:".Length..].Trim()), Parse(parser, name, body));
        }
    }

    /// <summary>The templates that exist, as (template, language).</summary>
    public IEnumerable<(string Template, string Language)> Available => templates.Keys;

    /// <summary>Renders <paramref name="notice"/> with its step's template in <paramref name="language"/> (or English).</summary>
    public RenderedNotice Render(DunningNotice notice, NoticeParties parties, string? language, IReadOnlyDictionary<string, object?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(parties);
        var lang = language is not null && Languages.Contains(language) ? language : "en";
        if (!templates.TryGetValue((notice.Step.Template, lang), out var template))
        {
            throw new InvalidOperationException($"No template '{notice.Step.Template}' in '{lang}'.");
        }

        var currency = notice.Lines.Select(l => l.Currency).Distinct().Count() == 1 ? notice.Lines[0].Currency : null;
        var model = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["customer"] = parties.Customer,
            ["collector"] = parties.Collector,
            ["company"] = parties.Company,
            ["level"] = notice.Level,
            ["total"] = currency is null ? Amount(notice.Total, "EUR", lang) : Amount(notice.Lines.Sum(l => l.Open), currency, lang),
            ["lines"] = notice.Lines.Select(l => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["invoice"] = l.InvoiceId,
                ["due"] = Date(l.DueDate, lang),
                ["open"] = Amount(l.Open, l.Currency, lang),
                ["days_overdue"] = l.DaysOverdue,
            }).ToList(),
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, object?>())
        {
            model[name] = value;
        }

        var context = new TemplateContext(model, options);
        var subject = template.Subject.Render(context, NullEncoder.Default);
        var html = template.Body.Render(context, HtmlEncoder.Default);
        var text = WhiteSpace().Replace(System.Net.WebUtility.HtmlDecode(Tags().Replace(html.Replace("</tr>", "\n", StringComparison.Ordinal).Replace("</p>", "\n\n", StringComparison.Ordinal).Replace("<br>", "\n", StringComparison.Ordinal), " ")), " ").Trim();
        return new RenderedNotice(subject, html, text, lang);
    }

    /// <summary>An amount as a reader of the language writes it: 1,234.56 EUR, 1.234,56 EUR, 1 234,56 EUR.</summary>
    public static string Amount(decimal amount, string currency, string language)
    {
        var invariant = amount.ToString("N2", CultureInfo.InvariantCulture);
        var local = language switch
        {
            "de" => invariant.Replace(",", "\u0001", StringComparison.Ordinal).Replace(".", ",", StringComparison.Ordinal).Replace("\u0001", ".", StringComparison.Ordinal),
            "fr" => invariant.Replace(",", "\u202F", StringComparison.Ordinal).Replace(".", ",", StringComparison.Ordinal),
            _ => invariant,
        };
        return local + " " + currency;
    }

    /// <summary>A date as a reader of the language writes it: 10 Mar 2026, 10.03.2026, 10/03/2026.</summary>
    public static string Date(DateOnly date, string language) => language switch
    {
        "de" => date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
        "fr" => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
        _ => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture),
    };

    private static IFluidTemplate Parse(FluidParser parser, string name, string source) =>
        parser.TryParse(source, out var template, out var error) ? template : throw new InvalidOperationException($"Template {name}: {error}");

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("[ \\t]+")]
    private static partial Regex WhiteSpace();
}
