using CollectionsFx.Api.Diagnostics;

namespace CollectionsFx.IntegrationTests.Security;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("5.1.1 <ap@acme.example>: Recipient address rejected", "5.1.1 <a***@acme.example>: Recipient address rejected")]
    [InlineData("to first.last+dunning@mail.acme.co.uk and x@y.de", "to f***@mail.acme.co.uk and x***@y.de")]
    [InlineData("Connection refused", "Connection refused")]
    [InlineData("not@an-address", "not@an-address")]
    public void E_mail_addresses_are_masked_in_text_for_logs(string text, string masked)
    {
        Assert.Equal(masked, LogText.MaskEmails(text));
    }
}
