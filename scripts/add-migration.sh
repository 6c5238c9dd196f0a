#!/usr/bin/env bash
# Adds one migration to BOTH providers' sets, so SQLite and PostgreSQL never drift apart.
# Usage: scripts/add-migration.sh NameInPascalCase
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: scripts/add-migration.sh MigrationName}"
dotnet tool restore >/dev/null
dotnet build src/Vigie -c Debug --nologo -v q
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --no-build --project src/Vigie --startup-project src/Vigie \
    --context "${provider}VigieDb" --output-dir "Data/Migrations/${provider}"
done
echo "Added migration $name for Sqlite and Postgres."
