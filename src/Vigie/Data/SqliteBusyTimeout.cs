using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Vigie.Data;

/// <summary>
/// Lets SQLite itself wait for the write lock (sqlite3_busy_timeout: short sleeps, woken as soon as
/// the lock is free) instead of Microsoft.Data.Sqlite's retry loop, which sleeps in steps of up to
/// 150 ms. With several writers at once (intake commits, the reading worker, the API) that loop turned
/// a sub-millisecond wait into a p99 of 770 ms in the intake benchmark.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const int TimeoutMs = 30_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            _ = SQLitePCL.raw.sqlite3_busy_timeout(handle, TimeoutMs);
        }
    }
}
