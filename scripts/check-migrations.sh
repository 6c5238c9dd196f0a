#!/usr/bin/env bash
# Fails when the model has changes that no migration captures, for either provider.
# (The test MigrationsTests.Model_has_no_pending_changes checks the same from the suite.)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet build src/Vigie -c Debug --nologo -v q
status=0
for provider in Sqlite Postgres; do
  if ! dotnet ef migrations has-pending-model-changes --no-build --project src/Vigie --startup-project src/Vigie \
      --context "${provider}VigieDb"; then
    echo "error: the model has changes without a migration for $provider; run scripts/add-migration.sh NAME" >&2
    status=1
  fi
done
exit $status
