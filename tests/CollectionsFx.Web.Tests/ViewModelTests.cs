using CollectionsFx.Contracts;
using CollectionsFx.Domain.Actions;
using CollectionsFx.Domain.Insights;
using CollectionsFx.Domain.Mining;
using CollectionsFx.Web.Services;

namespace CollectionsFx.Web.Tests;

/// <summary>The views' logic: tiles, alerts, CSV, the process map's selection and the promise form's checks.</summary>
public sealed class ViewModelTests
{
    [Theory]
    // kpi, value last month, value now, expected "improved" (null: cannot tell)
    [InlineData("dsoCountback", 50.0, 45.0, true)]
    [InlineData("dsoCountback", 45.0, 50.0, false)]
    [InlineData("cei", 70.0, 80.0, true)]
    [InlineData("cei", 80.0, 70.0, false)]
    [InlineData("overdueAr", 900.0, 100.0, true)]
    [InlineData("dsoCountback", 50.0, 50.0, null)]
    public void A_tile_tells_whether_its_kpi_moved_the_good_way(string kpi, double before, double now, bool? improved)
    {
        KpiValues Of(double v, DateOnly d) => Fixtures.Values(dso: (decimal)v, cei: (decimal)v, overdue: (decimal)v, asOf: d);
        var oct = Of(before, new DateOnly(2026, 10, 31));
        var nov = Of(now, new DateOnly(2026, 11, 30));
        var tile = KpiTile.Build([KpiSpec.ByName[kpi]], Fixtures.Kpis(nov), Fixtures.Trend(("2026-10", oct), ("2026-11", nov))).Single();
        Assert.Equal((decimal)now, tile.Value);
        Assert.Equal((decimal)before, tile.Previous);
        Assert.Equal(improved, tile.Improved);
        Assert.Equal([(decimal)before, (decimal)now], tile.Trend);
        Assert.Contains("Oct 2026", tile.Change("EUR"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tile_carries_the_published_formula_and_the_groups_target()
    {
        var now = Fixtures.Values(dso: 47.3m);
        var targets = new Dictionary<string, TargetStatus> { ["dsoCountback"] = new(45m, "felix", DateTimeOffset.UnixEpoch, null, false) };
        var tile = KpiTile.Build(KpiSpec.ControlCenter, Fixtures.Kpis(now, targets), Fixtures.Trend(("2026-11", now))).First(t => t.Spec.Kpi == "dsoCountback");
        Assert.Equal(KpiFormulas.All["dsoCountback"], tile.Formula);
        Assert.Equal(45m, tile.Target!.Value);
        Assert.Equal("47.3 days", tile.Spec.Show(tile.Value, "EUR"));
        Assert.Equal("no earlier month", tile.Change("EUR"));
        // Every Control Center tile has a formula a reader can see, including overdue AR (not a target KPI).
        Assert.All(KpiTile.Build(KpiSpec.ControlCenter, Fixtures.Kpis(now), Fixtures.Trend(("2026-11", now))), t => Assert.NotEmpty(t.Formula));
    }

    [Theory]
    [InlineData(1000, 1500, true)]
    [InlineData(1500, 1000, false)]
    [InlineData(1000, 1000, false)]
    public void A_gap_kind_alerts_only_when_its_money_at_stake_grew(double before, double now, bool alerts)
    {
        GapsResponse At(double money, int gaps) => new(
            new DateOnly(2026, 12, 1), "EUR", new SnapshotInfo(1, DateTimeOffset.UnixEpoch, 1), gaps,
            [new GapSummary(GapKind.OverdueNoContact, gaps, gaps * 2, (decimal)money)], []);
        var result = GapAlerts.Growing(At(now, 5), At(before, 4));
        Assert.Equal(alerts, result.Count == 1);
        if (alerts)
        {
            Assert.Equal("Overdue with no contact in 14 days: +500 EUR at stake since 2026-11-24 (4 → 5 gaps)", result[0].Text("EUR", new DateOnly(2026, 11, 24)));
        }
    }

    [Fact]
    public void A_gap_kind_that_was_not_there_before_alerts_with_its_whole_amount()
    {
        var info = new SnapshotInfo(1, DateTimeOffset.UnixEpoch, 1);
        var now = new GapsResponse(new DateOnly(2026, 12, 1), "EUR", info, 1, [new GapSummary(GapKind.DisputeOpenTooLong, 1, 1, 700m)], []);
        var before = new GapsResponse(new DateOnly(2026, 11, 24), "EUR", info, 0, [], []);
        Assert.Equal(700m, Assert.Single(GapAlerts.Growing(now, before)).Growth);
    }

    [Theory]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+49 30 1234", "'+49 30 1234")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("Kalex Pharma, SAS", "\"Kalex Pharma, SAS\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("alice", "alice")]
    public void Csv_text_cells_are_quoted_and_never_run_as_formulas(string text, string cell) => Assert.Equal(cell, CsvExport.Cell(text));

    [Fact]
    public void Csv_numbers_stay_numbers_and_the_file_opens_in_excel_as_utf8()
    {
        var csv = CsvExport.Write(["collector", "dso", "overdue"], [["alice", -3.5m, null], ["bob", 42.25m, 1000]]);
        Assert.Equal("\uFEFFcollector,dso,overdue\r\nalice,-3.5,\r\nbob,42.25,1000\r\n", csv);
    }

    private static ProcessMapResponse Map() => new(
        "frequency", 100,
        [new DfgActivity("Create", 100), new DfgActivity("Remind", 60), new DfgActivity("Pay", 90), new DfgActivity("Dispute", 5)],
        [
            new DfgEdge("Create", "Pay", 40, MedianWait: TimeSpan.FromDays(30)),
            new DfgEdge("Create", "Remind", 60, MedianWait: TimeSpan.FromDays(35)),
            new DfgEdge("Remind", "Pay", 50, MedianWait: TimeSpan.FromDays(12.5)),
            new DfgEdge("Remind", "Dispute", 5, MedianWait: TimeSpan.FromDays(3)),
            new DfgEdge("Dispute", "Pay", 5, MedianWait: TimeSpan.FromDays(20)),
        ],
        new Dictionary<string, int> { ["Create"] = 100 }, new Dictionary<string, int> { ["Pay"] = 90 });

    [Theory]
    // activities kept, path share, expected edges (from>to) in order
    [InlineData(4, 1.0, "Create>Remind,Remind>Pay,Create>Pay,Remind>Dispute,Dispute>Pay")]
    [InlineData(4, 0.5, "Create>Remind,Remind>Pay")]
    [InlineData(3, 1.0, "Create>Remind,Remind>Pay,Create>Pay")]
    [InlineData(2, 1.0, "Create>Pay")]
    [InlineData(4, 0.0, "Create>Remind")]
    public void The_process_map_keeps_the_most_frequent_activities_and_paths(int activities, double share, string edges)
    {
        var graph = ProcessMapModel.Build(Map(), activities, share, performance: false);
        Assert.Equal(activities, graph.Nodes.Count);
        Assert.Equal(edges, string.Join(",", graph.Edges.Select(e => $"{e.From}>{e.To}")));
    }

    [Fact]
    public void The_performance_view_labels_and_weighs_paths_by_their_median_wait()
    {
        var graph = ProcessMapModel.Build(Map(), 3, 1.0, performance: true);
        var remindToPay = graph.Edges.Single(e => e.From == "Remind" && e.To == "Pay");
        Assert.Equal("12.5 d", remindToPay.Label);
        Assert.Equal(12.5, remindToPay.Weight);
        Assert.Equal("60", graph.Nodes.Single(n => n.Id == "Remind").Label);
    }

    [Theory]
    [InlineData("", "EUR", "2026-12-20", 100, "Invoices")]
    [InlineData("INV-1", null, "2026-12-20", 100, "Invoices")]
    [InlineData("INV-1", "EUR", null, 100, "Promised date")]
    [InlineData("INV-1", "EUR", "2026-12-20", 0, "Amount")]
    [InlineData("INV-1", "EUR", "2026-12-20", 100, null)]
    public void The_promise_form_names_the_first_field_that_is_wrong(string invoices, string? currency, string? date, double amount, string? field)
    {
        var form = new PromiseForm
        {
            InvoiceIds = [.. invoices.Split(',', StringSplitOptions.RemoveEmptyEntries)], Currency = currency,
            PromisedDate = date is null ? null : DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Amount = (decimal)amount,
        };
        Assert.Equal(field, PromiseFormCheck.Problem(form)?.Title);
    }

    [Theory]
    [InlineData("cfo", "control-center", false)]
    [InlineData("finance-lead", "collections", false)]
    [InlineData("manager", "steering", false)]
    [InlineData("collector", "worklist", true)]
    [InlineData("collector,manager", "steering", false)]
    [InlineData("", "signin", false)]
    public void Each_role_lands_on_its_view_and_only_a_plain_collector_is_limited_to_their_portfolio(string roles, string home, bool ownOnly)
    {
        var session = new UserSession();
        session.SetMe(new SignedInUser("x", [.. roles.Split(',', StringSplitOptions.RemoveEmptyEntries)], "platform", []));
        Assert.Equal(home, session.HomePath);
        Assert.Equal(ownOnly, session.OwnPortfolioOnly);
        Assert.Empty(session.PrincipalHeaders()); // the platform adds the principal in Azure; the app never forges it
    }

    [Fact]
    public void The_development_sign_in_sends_the_picked_users_principal_as_static_web_apps_would()
    {
        var session = new UserSession();
        session.SetMe(new SignedInUser(null, [], "development", [new DemoUser("bob", "Collector", ["collector"])]));
        session.SetDevelopmentUser(session.Me!.Users[0]);
        var headers = session.PrincipalHeaders().ToDictionary(h => h.Key, h => h.Value);
        Assert.Equal("bob", headers["X-MS-CLIENT-PRINCIPAL-NAME"]);
        var principal = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(headers["X-MS-CLIENT-PRINCIPAL"])).RootElement;
        Assert.Contains("collector", principal.GetProperty("userRoles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("worklist", session.HomePath);
    }

    [Fact]
    public void Risk_bands_sum_the_worklists_exposure_per_band()
    {
        WorklistEntry Entry(string band, decimal open, decimal overdue, decimal stake) => new(
            new CustomerSituation("C", "C", "alice", "Smb", band, 0.5, open, overdue, overdue, stake, 10, 0, 0, 0, null, 0, 1, true, false), null, []);
        var bands = ChartOptions.ByBand([Entry("high", 100, 80, 50), Entry("high", 10, 0, 5), Entry("low", 1000, 0, 10)]);
        Assert.Equal(["high", "medium", "low"], bands.Select(b => b.Band));
        Assert.Equal(new BandExposure("high", 2, 110, 80, 55), bands[0]);
        Assert.Equal(new BandExposure("medium", 0, 0, 0, 0), bands[1]);
        Assert.Equal(1000m, bands[2].Open);
    }
}
