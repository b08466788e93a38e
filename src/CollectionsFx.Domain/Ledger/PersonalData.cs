namespace CollectionsFx.Domain.Ledger;

/// <summary>
/// What of a customer's ledger is personal data, and its erasure (GDPR Art. 17): the customer's name (a sole trader's is a
/// person's) becomes a pseudonym built from the customer id, the e-mail address goes, as do the free-text notes of contacts
/// and the source attributes of invoices (contact persons, phone numbers). Ids, dates, amounts, currencies, terms, states and
/// who on our side acted stay: every KPI, the process mining log and the audit trail keep working on erased customers.
/// </summary>
public static class PersonalData
{
    /// <summary>The name an erased customer carries from then on.</summary>
    public static string Pseudonym(string customerId) => $"Erased customer {customerId}";

    /// <summary>The record without personal data (the same instance when it holds none).</summary>
    public static LedgerRecord Redact(LedgerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record switch
        {
            CustomerRecord c when c.Name != Pseudonym(c.CustomerId) || c.Email is not null => c with { Name = Pseudonym(c.CustomerId), Email = null },
            InvoiceRecord { Attributes: not null } i => i with { Attributes = null },
            ContactRecord { Notes: not null } k => k with { Notes = null },
            _ => record,
        };
    }

    /// <summary>
    /// The event without personal data: its record redacted, and the customer's name that "Create customer" carries as its new
    /// value replaced by the pseudonym (other old and new values are terms, dates and amounts, never personal).
    /// </summary>
    public static LedgerEvent Redact(LedgerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var redacted = e.Record is { } r && !ReferenceEquals(Redact(r), r) ? e with { Record = Redact(r) } : e;
        return redacted.Activity == Activities.CreateCustomer && redacted.NewValue is { } name && name != Pseudonym(e.CustomerId)
            ? redacted with { NewValue = Pseudonym(e.CustomerId) }
            : redacted;
    }

    /// <summary>The personal values of a record that free text elsewhere (task subjects, notes) may quote: name and e-mail.</summary>
    public static IEnumerable<string> Values(LedgerRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record is CustomerRecord c)
        {
            if (c.Name != Pseudonym(c.CustomerId) && c.Name.Length > 0)
            {
                yield return c.Name;
            }

            if (c.Email is { Length: > 0 } email)
            {
                yield return email;
            }
        }
    }

    /// <summary><paramref name="text"/> with every one of <paramref name="values"/> replaced by <paramref name="pseudonym"/> (longest first).</summary>
    public static string Scrub(string text, IEnumerable<string> values, string pseudonym)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length))
        {
            text = text.Replace(value, pseudonym, StringComparison.OrdinalIgnoreCase);
        }

        return text;
    }
}
