#!/usr/bin/env bash
# Makes the certificates of the event bus's mutual TLS (docs/OPERATIONS.md, "Locking the cluster"):
#   DIR/ca.crt, DIR/ca.key    a throw-away CA (a CA already in DIR is reused, so members can be added later;
#                             ca.key signs members and no service needs it)
#   DIR/NAME.crt, DIR/NAME.key for each NAME (default: member): a member certificate signed by the CA, for TLS server
#                             and client use, with subject alternative names localhost, 127.0.0.1 and NAME;
#                             the key is PKCS#8 and mode 0600
# A service gets EVENTBUS_TLS_CERT=DIR/NAME.crt EVENTBUS_TLS_KEY=DIR/NAME.key EVENTBUS_TLS_CA=DIR/ca.crt. Every member
# may share one NAME: the event bus checks that a certificate comes from the CA, not which host holds it.
# Usage: scripts/make-certs.sh DIR [NAME...]   (DAYS=365 sets the members' validity; the CA's is 10 years)
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 DIR [NAME...]  (makes DIR/ca.crt, DIR/ca.key and DIR/NAME.crt, DIR/NAME.key for each NAME, default member)" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "$0 needs openssl (e.g. apt-get install openssl)" >&2; exit 1; }
dir=$1
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(member)
days=${DAYS:-365}
umask 077
mkdir -p "$dir"

if [ ! -f "$dir/ca.key" ] || [ ! -f "$dir/ca.crt" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/CN=StoreDash cluster CA $(date +%Y%m%d%H%M%S)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.crt"
fi

for name in "${names[@]}"; do
  if ! [[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
    echo "$0: '$name' is not a usable name (letters, digits, '.', '_', '-')" >&2
    exit 2
  fi
  san="DNS:localhost,IP:127.0.0.1"
  if [[ $name =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    san="$san,IP:$name"
  elif [ "$name" != localhost ]; then
    san="$san,DNS:$name"
  fi
  extensions=$(mktemp)
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyAgreement" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=$san" > "$extensions"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$name.key" 2>/dev/null
  openssl req -new -key "$dir/$name.key" -subj "/CN=$name" -out "$dir/$name.csr"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days "$days" -sha256 -extfile "$extensions" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$extensions"
  chmod 0600 "$dir/$name.key"
  chmod 0644 "$dir/$name.crt"
done
chmod 0600 "$dir/ca.key"
chmod 0644 "$dir/ca.crt"
echo "certificates in $dir: ca.crt (trust), ${names[*]/%/.crt} with .key (members)"
