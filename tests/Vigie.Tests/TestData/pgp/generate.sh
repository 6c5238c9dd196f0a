#!/usr/bin/env bash
# Regenerates the TEST-ONLY OpenPGP keys in this directory (see README.md). Never use them for real mail.
set -euo pipefail
cd "$(dirname "$0")"
G=$(mktemp -d /tmp/vigie-pgp-gen.XXXXXX)
trap 'gpgconf --homedir "$G" --kill gpg-agent 2>/dev/null || true; rm -rf "$G"' EXIT
gpg() { command gpg --homedir "$G" --batch --pinentry-mode loopback "$@"; }
fpr() { gpg --with-colons --list-keys "$1" | awk -F: '/^fpr/ {print $10; exit}'; }
TEAMPASS='team-test-passphrase'

# The team (Vigie side): RSA-3072 sign+certify primary, RSA-3072 encryption subkey, with a passphrase.
gpg --passphrase "$TEAMPASS" --quick-gen-key 'CSIRT Test Team <cert@csirt.test>' rsa3072 sign,cert never
gpg --passphrase "$TEAMPASS" --quick-add-key "$(fpr cert@csirt.test)" rsa3072 encr never
# A second team key, gpg's default algorithms (Ed25519 + Cv25519), same passphrase.
gpg --passphrase "$TEAMPASS" --quick-gen-key 'CSIRT Test Team (ed25519) <cert-ed@csirt.test>' ed25519 sign,cert never
gpg --passphrase "$TEAMPASS" --quick-add-key "$(fpr cert-ed@csirt.test)" cv25519 encr never
# A known contact (Ed25519 + Cv25519, no passphrase): her public key goes into Vigie's ring.
gpg --passphrase '' --quick-gen-key 'Alice Reporter <alice@partner.test>' ed25519 sign,cert never
gpg --passphrase '' --quick-add-key "$(fpr alice@partner.test)" cv25519 encr never
# A contact with an RSA-3072 key (no passphrase), as in the performance target.
gpg --passphrase '' --quick-gen-key 'Bob Partner <bob@partner.test>' rsa3072 sign,cert never
gpg --passphrase '' --quick-add-key "$(fpr bob@partner.test)" rsa3072 encr never
# A stranger Vigie does not know (unknown signer; encryption to a key Vigie cannot decrypt).
gpg --passphrase '' --quick-gen-key 'Mallory Stranger <mallory@elsewhere.test>' ed25519 sign,cert never
gpg --passphrase '' --quick-add-key "$(fpr mallory@elsewhere.test)" cv25519 encr never

for who in team:cert@csirt.test team-ed:cert-ed@csirt.test; do
  name=${who%%:*}; uid=${who#*:}
  gpg --armor --export "$uid" > "$name.pub.asc"
  gpg --passphrase "$TEAMPASS" --armor --export-secret-keys "$uid" > "$name.sec.asc"
done
for who in alice:alice@partner.test bob:bob@partner.test mallory:mallory@elsewhere.test; do
  name=${who%%:*}; uid=${who#*:}
  gpg --armor --export "$uid" > "$name.pub.asc"
  gpg --passphrase '' --armor --export-secret-keys "$uid" > "$name.sec.asc"
done
printf '%s\n' "$TEAMPASS" > team.passphrase
# Primary key fingerprint and user id, one line per key.
gpg --list-keys --with-colons | awk -F: '/^pub/ {p=1} /^fpr/ && p {f=$10; p=0} /^uid/ {print f, $10}' > fingerprints.txt
