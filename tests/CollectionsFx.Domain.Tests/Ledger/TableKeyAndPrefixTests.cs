namespace CollectionsFx.Domain.Tests.Ledger;

public sealed class TableKeyAndPrefixTests
{
    [Theory]
    [InlineData("cfx", true)]
    [InlineData("t0a1b2", true)]
    [InlineData("", false)]
    [InlineData("1cfx", false)]
    [InlineData("cfx-prod", false)]
    [InlineData("abcdefghijklmnopqrstu", false)]
    public void Storage_prefix_must_keep_table_names_valid(string prefix, bool valid)
    {
        Assert.Equal(valid, CollectionsFx.Storage.StorageOptions.IsValidPrefix(prefix));
    }

    [Theory]
    [InlineData("C-1001", "C-1001")]
    [InlineData("C/1#?", "C%2F1%23%3F")]
    [InlineData("100%|x", "100%25%7Cx")]
    public void Source_ids_are_percent_encoded_where_table_keys_forbid_characters(string id, string key)
    {
        Assert.Equal(key, CollectionsFx.Storage.Ledger.TableKey.Encode(id));
    }
}
