namespace CollectionsFx.Web.Services;

/// <summary>What the promise form checks before it asks the API (which checks again and has the last word).</summary>
public static class PromiseFormCheck
{
    /// <summary>The first thing wrong with the form, named by its field; null when it may be sent.</summary>
    public static ApiProblem? Problem(PromiseForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return form.InvoiceIds.Count == 0 ? new ApiProblem(422, "Invoices", "pick at least one open invoice")
            : form.Currency is null ? new ApiProblem(422, "Invoices", "the invoices of one promise must share one currency")
            : form.PromisedDate is null ? new ApiProblem(422, "Promised date", "pick the date the customer promised to pay by")
            : form.Amount is not > 0 ? new ApiProblem(422, "Amount", "must be more than 0")
            : null;
    }
}
