using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Vigie.Data;

namespace Vigie.Features.Search;

/// <summary>
/// Raw SQL for the search indexes (FTS5 and tsvector queries EF cannot express), on the context's own
/// connection and transaction.
/// </summary>
internal static class SearchCommands
{
    public static async Task<T> WithCommandAsync<T>(this VigieDb db, Func<DbCommand, Task<T>> action, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = db.Database.GetDbConnection().CreateCommand();
            cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            return await action(cmd);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
