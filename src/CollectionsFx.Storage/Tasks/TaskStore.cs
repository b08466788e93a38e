using Azure;
using Azure.Data.Tables;
using CollectionsFx.Contracts;
using CollectionsFx.Storage.Ledger;

namespace CollectionsFx.Storage.Tasks;

/// <summary>
/// Open work per person in a table (<c>{prefix}tasks</c>; partition = customer, row = key). Adding the same key twice keeps the
/// first task: a retried activity does not give a person two copies of one job.
/// </summary>
public sealed class TaskStore(TableClient table)
{
    /// <summary>Adds the task unless its key exists; true when added now.</summary>
    public async Task<bool> AddAsync(WorkTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            await table.AddEntityAsync(ToEntity(task), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Closes a task (done, or answered for approvals); false when there is no such task.</summary>
    public async Task<bool> CloseAsync(string customerId, string key, string by, CancellationToken cancellationToken = default)
    {
        try
        {
            await table.UpdateEntityAsync(
                new TableEntity(TableKey.Encode(customerId), TableKey.Encode(key)) { ["Status"] = WorkTask.Done, ["ClosedBy"] = by }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Open tasks, optionally of one assignee or one customer, most urgent and earliest due first.</summary>
    public async Task<IReadOnlyList<WorkTask>> OpenAsync(string? assignee = null, string? customerId = null, CancellationToken cancellationToken = default)
    {
        var filter = customerId is null ? TableClient.CreateQueryFilter($"Status eq {WorkTask.Open}") : TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(customerId)} and Status eq {WorkTask.Open}");
        var tasks = new List<WorkTask>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var task = FromEntity(e);
            if (assignee is null || string.Equals(task.Assignee, assignee, StringComparison.OrdinalIgnoreCase))
            {
                tasks.Add(task);
            }
        }

        return [.. tasks.OrderByDescending(t => t.Urgent).ThenBy(t => t.Due).ThenBy(t => t.CreatedAt)];
    }

    /// <summary>Rewrites the subject and description of every task of a customer (open or done) through <paramref name="scrub"/>; returns how many changed.</summary>
    public async Task<int> RedactAsync(string customerId, Func<string, string> scrub, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scrub);
        var changed = 0;
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(customerId)}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var (subject, description) = (e.GetString("Subject") ?? "", e.GetString("Description") ?? "");
            var (newSubject, newDescription) = (scrub(subject), scrub(description));
            if (newSubject != subject || newDescription != description)
            {
                await table.UpdateEntityAsync(
                    new TableEntity(e.PartitionKey, e.RowKey) { ["Subject"] = newSubject, ["Description"] = newDescription }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                changed++;
            }
        }

        return changed;
    }

    private static TableEntity ToEntity(WorkTask t) => new(TableKey.Encode(t.CustomerId), TableKey.Encode(t.Key))
    {
        ["CustomerId"] = t.CustomerId, ["Key"] = t.Key, ["Kind"] = t.Kind, ["Assignee"] = t.Assignee, ["Subject"] = t.Subject, ["Description"] = t.Description,
        ["Due"] = t.Due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["Urgent"] = t.Urgent, ["CreatedAt"] = t.CreatedAt, ["Status"] = t.Status,
        ["Crm"] = t.Crm,
    };

    private static WorkTask FromEntity(TableEntity e) => new(
        e.GetString("CustomerId"), e.GetString("Key"), e.GetString("Kind"), e.GetString("Assignee"), e.GetString("Subject"), e.GetString("Description"),
        DateOnly.ParseExact(e.GetString("Due"), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), e.GetBoolean("Urgent") ?? false,
        e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue, e.GetString("Status"), e.GetString("Crm"), e.GetString("ClosedBy"));
}
