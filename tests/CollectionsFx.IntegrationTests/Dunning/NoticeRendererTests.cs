using CollectionsFx.Api.Dunning;
using CollectionsFx.Domain.Dunning;

namespace CollectionsFx.IntegrationTests.Dunning;

public sealed class NoticeRendererTests
{
    private static readonly NoticeRenderer Renderer = new();

    private static DunningNotice Notice(string template, params NoticeLine[] lines) =>
        new(new PlaybookStep(template, 3, DunningChannel.Email, template, 0, false), 2, lines, lines.Sum(l => l.Open));

    private static readonly NoticeLine[] Two =
    [
        new("INV-1", new DateOnly(2026, 3, 10), 1234.5m, "EUR", 2, 12),
        new("INV-2", new DateOnly(2026, 3, 20), 99m, "EUR", 2, 2),
    ];

    [Fact]
    public void Every_shipped_notice_template_exists_in_english_german_and_french_and_renders()
    {
        var names = PlaybookSet.Default().Playbooks.SelectMany(p => p.Steps).Where(s => s.Channel == DunningChannel.Email).Select(s => s.Template).Distinct().ToList();

        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            foreach (var language in NoticeRenderer.Languages)
            {
                Assert.Contains((name, language), Renderer.Available);
                var notice = Renderer.Render(Notice(name, Two), new NoticeParties("Contoso", "Ada Collector", "Fabrikam"), language);
                Assert.False(string.IsNullOrWhiteSpace(notice.Subject));
                Assert.Contains("INV-1", notice.Html, StringComparison.Ordinal);
                Assert.Contains("INV-2", notice.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("{{", notice.Html, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("en", "1,333.50 EUR", "10 Mar 2026", "Payment reminder: 1,333.50 EUR overdue")]
    [InlineData("de", "1.333,50 EUR", "10.03.2026", "Zahlungserinnerung: 1.333,50 EUR überfällig")]
    [InlineData("fr", "1\u202F333,50 EUR", "10/03/2026", "Rappel de paiement : 1\u202F333,50 EUR échu")]
    [InlineData("it", "1,333.50 EUR", "10 Mar 2026", "Payment reminder: 1,333.50 EUR overdue")] // no Italian templates: English
    public void Amounts_dates_and_the_subject_read_as_the_language_writes_them(string language, string total, string due, string subject)
    {
        var notice = Renderer.Render(Notice("reminder-1", Two), new NoticeParties("Contoso", "Ada", "Fabrikam"), language);

        Assert.Equal(subject, notice.Subject);
        Assert.Contains(total, notice.Text, StringComparison.Ordinal);
        Assert.Contains(due, notice.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Customer_supplied_text_is_html_escaped_in_the_body()
    {
        var hostile = "<script>alert('x')</script> & Co";

        var notice = Renderer.Render(Notice("reminder-1", new NoticeLine("<b>INV</b>", new DateOnly(2026, 3, 10), 10m, "EUR", 2, 5)), new NoticeParties(hostile, "Ada", "Fabrikam"), "en");

        Assert.DoesNotContain("<script>", notice.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>INV</b>", notice.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", notice.Html, StringComparison.Ordinal);
        Assert.Contains(hostile, notice.Text, StringComparison.Ordinal); // the plain-text part reads as written
    }

    [Fact]
    public void One_invoice_is_spoken_of_in_the_singular()
    {
        var one = Renderer.Render(Notice("reminder-1", Two[0]), new NoticeParties("Contoso", "Ada", "Fabrikam"), "en");
        var two = Renderer.Render(Notice("reminder-1", Two), new NoticeParties("Contoso", "Ada", "Fabrikam"), "en");

        Assert.Contains("invoice is past due", one.Text, StringComparison.Ordinal);
        Assert.Contains("invoices are past due", two.Text, StringComparison.Ordinal);
    }
}
