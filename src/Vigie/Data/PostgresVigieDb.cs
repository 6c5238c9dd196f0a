using Microsoft.EntityFrameworkCore;

namespace Vigie.Data;

/// <summary>PostgreSQL: <c>timestamptz</c> and <c>uuid</c> natively; nothing to adjust yet.</summary>
public sealed class PostgresVigieDb(DbContextOptions<PostgresVigieDb> options) : VigieDb(options);
