using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Vigie.Data;

/// <summary>
/// Inserts many new rows of one entity at once. On PostgreSQL through binary COPY (columns, names and value conversions
/// read from the EF model, so the table stays described in one place), several times faster than EF's batched
/// INSERTs for a hundred thousand rows; elsewhere through EF. The rows are not tracked afterwards.
/// </summary>
public static class BulkInsert
{
    public static async Task AddAsync<T>(VigieDb db, IReadOnlyCollection<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (db.Database.GetDbConnection() is not NpgsqlConnection connection)
        {
            db.AddRange(rows);
            await db.SaveChangesAsync(ct);
            foreach (var row in rows)
            {
                db.Entry(row).State = EntityState.Detached;
            }
            return;
        }
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not an entity.");
        var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Select(p => (Property: p, Column: p.GetColumnName(table)!, Converter: p.GetTypeMapping().Converter)).ToList();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var copy = $"COPY \"{entity.GetTableName()}\" ({string.Join(", ", columns.Select(c => $"\"{c.Column}\""))}) FROM STDIN (FORMAT BINARY)";
            await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(ct);
                foreach (var (property, _, converter) in columns)
                {
                    var value = property.PropertyInfo!.GetValue(row);
                    value = value is null || converter is null ? value : converter.ConvertToProvider(value);
                    if (value is null)
                    {
                        await importer.WriteNullAsync(ct);
                    }
                    else
                    {
                        await importer.WriteAsync(value, ct);
                    }
                }
            }
            await importer.CompleteAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
