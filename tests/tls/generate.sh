#!/usr/bin/env bash
# Regenerates the test certificates in this folder (checked in; the tests
# never run this). A private CA, and leaf certificates signed by it for
# localhost, a wrong host name, and an expired one; plus a self-signed one.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
days=36500

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days "$days" \
  -subj "/CN=lp-consumer test CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

leaf() { # name subject-alt-names [extra openssl-ca arguments]
  local name=$1 san=$2
  shift 2
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$work/$name.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$san" > "$work/$name.ext"
  mkdir -p "$work/db"; : > "$work/db/index"; echo 01 > "$work/db/serial"
  cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/db/index
serial = $work/db/serial
new_certs_dir = $work/db
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
CNF
  openssl ca -batch -config "$work/ca.cnf" -cert ca.pem -keyfile ca.key -in "$work/$name.csr" \
    -out "$name.pem" -extfile "$work/$name.ext" -notext "$@" 2>/dev/null
}

leaf localhost "DNS:localhost,IP:127.0.0.1" -days "$days"
leaf wronghost "DNS:not-localhost.example" -days "$days"
leaf expired "DNS:localhost,IP:127.0.0.1" -startdate 20000101000000Z -enddate 20010101000000Z

openssl req -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key -out selfsigned.pem -days "$days" \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
rm -f ca.key
