using CollectionsFx.Domain.Ledger;

namespace CollectionsFx.Domain.Tests.Ledger;

/// <summary>Erasure keeps what KPIs and the audit trail need and removes what identifies a person.</summary>
public sealed class PersonalDataTests
{
    [Fact]
    public void A_customer_keeps_its_id_terms_limits_and_collector_and_loses_its_name_and_address()
    {
        var customer = Build.Customer() with { Name = "Jane Doe Trading", Email = "jane@doe.example", CreditLimit = 5_000m, Collector = "alice", CrmAccountId = "A-1" };
        var erased = Assert.IsType<CustomerRecord>(PersonalData.Redact(customer));

        Assert.Equal(("Erased customer C1", (string?)null), (erased.Name, erased.Email));
        Assert.Equal(
            (customer.Id, customer.Version, customer.Country, customer.Currency, customer.PaymentTermsDays, customer.CreditLimit, customer.Collector, customer.CrmAccountId),
            (erased.Id, erased.Version, erased.Country, erased.Currency, erased.PaymentTermsDays, erased.CreditLimit, erased.Collector, erased.CrmAccountId));
        Assert.Same(erased, PersonalData.Redact(erased)); // erasing twice changes nothing
        Assert.Equal(["Jane Doe Trading", "jane@doe.example"], PersonalData.Values(customer));
        Assert.Empty(PersonalData.Values(erased));
    }

    public static TheoryData<LedgerRecord, bool> Records => new()
    {
        { Build.Invoice("I1", 100m) with { Attributes = new Dictionary<string, string> { ["contact"] = "Jane Doe, +49 30 1234" } }, true },
        { Build.Invoice("I1", 100m), false },
        { Build.Contact("K1", ActionKind.Call) with { Notes = "Spoke to Jane, she pays Friday" }, true },
        { Build.Contact("K1", ActionKind.Call), false },
        { Build.Payment("P1", 50m, 1, "C1", ("I1", 50m)), false },
        { Build.Promise("PR1", PromiseState.Open, 1, "I1"), false },
        { Build.Dispute("D1", "I1"), false },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void Only_free_text_that_can_name_a_person_goes_amounts_and_dates_stay(LedgerRecord record, bool holdsPersonalData)
    {
        var erased = PersonalData.Redact(record);
        Assert.Equal(holdsPersonalData, !ReferenceEquals(erased, record));
        Assert.Equal((record.Id, record.Kind, record.Version, record.CustomerId), (erased.Id, erased.Kind, erased.Version, erased.CustomerId));
        if (record is InvoiceRecord invoice)
        {
            var after = (InvoiceRecord)erased;
            Assert.Equal((invoice.Amount, invoice.Currency, invoice.DueDate, invoice.IssueDate), (after.Amount, after.Currency, after.DueDate, after.IssueDate));
            Assert.Null(after.Attributes);
        }
    }

    [Fact]
    public void An_event_loses_the_personal_data_of_its_record_and_keeps_its_activity_amount_and_values()
    {
        var customer = Build.Customer() with { Name = "Jane Doe", Email = "jane@doe.example" };
        var e = new LedgerEvent("C1", "customer", Activities.ChangePaymentTerms, Build.T0, "erp", "C1", null, null, "30", "45", customer);
        var erased = PersonalData.Redact(e);
        Assert.Equal((e.Activity, e.Timestamp, e.OldValue, e.NewValue), (erased.Activity, erased.Timestamp, erased.OldValue, erased.NewValue));
        Assert.Null(((CustomerRecord)erased.Record!).Email);
        var plain = e with { Record = null };
        Assert.Same(plain, PersonalData.Redact(plain));

        // "Create customer" carries the name as its new value: the pseudonym takes its place.
        var created = new LedgerEvent("C1", "customer", Activities.CreateCustomer, Build.T0, "erp", "C1", NewValue: "Jane Doe");
        var once = PersonalData.Redact(created);
        Assert.Equal("Erased customer C1", once.NewValue);
        Assert.Same(once, PersonalData.Redact(once)); // nothing left to erase the second time
    }

    [Theory]
    [InlineData("Call Jane Doe Trading about 2 invoices", "Call Erased customer C1 about 2 invoices")]
    [InlineData("Mail to JANE@DOE.EXAMPLE bounced", "Mail to Erased customer C1 bounced")]
    [InlineData("Nothing personal here", "Nothing personal here")]
    [InlineData("Jane Doe Trading and Jane Doe", "Erased customer C1 and Jane Doe")] // only the values given, longest first
    public void Free_text_loses_the_values_it_quotes(string text, string expected) =>
        Assert.Equal(expected, PersonalData.Scrub(text, ["Jane Doe Trading", "jane@doe.example"], PersonalData.Pseudonym("C1")));
}
