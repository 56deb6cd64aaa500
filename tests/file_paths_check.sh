#!/usr/bin/env bash
# file_paths_check.sh NETSIM
#
# A file server's {"path": ...} cases that cannot be checked into git as
# tests/errors cases: a FIFO (which must be refused at once, not block the
# loader: every run is under `timeout 10`), a file over 16 MiB, and paths
# that must still load (a subfolder, a symbolic link that stays inside the
# topology's folder). The cases are built in a scratch directory and checked
# from there, so the paths in the messages are stable.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 NETSIM" >&2
    exit 2
fi
netsim=$1
case "$netsim" in
/*) ;;
*) netsim="$PWD/$netsim" ;;
esac

. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2

# topology FILE FILES-JSON: a two-host topology whose B serves FILES-JSON.
topology() {
    mkdir -p "$(dirname "$1")"
    cat > "$1" <<EOF
{
  "devices": {"A": {"type": "host", "ip": "10.0.0.1/24"}, "B": {"type": "host", "ip": "10.0.0.2/24"}},
  "links": [["A", "B"]],
  "script": [
    {"at": "0s", "on": "B", "do": "file_server", "port": 8083,
     "files": $2}
  ]
}
EOF
}

# expect STATUS "STDERR" TOPOLOGY: `netsim check TOPOLOGY` exits with STATUS
# within 10 s and prints exactly STDERR.
expect() {
    timeout 10 "$netsim" check "$3" > /dev/null 2> err
    local got=$?
    if [ "$got" -ne "$1" ] || [ "$(cat err)" != "$2" ]; then
        fail "netsim check $3: expected status $1 and \"$2\","
        echo "      got status $got and \"$(cat err)\"" >&2
    fi
}

topology fifo/t.json '{"pipe.bin": {"path": "pipe"}}'
mkfifo fifo/pipe
expect 1 'netsim: fifo/t.json:6:37: script[0].files["pipe.bin"].path: "pipe" is a FIFO (named pipe), not a regular file (looked for fifo/pipe); expected a regular file inside the topology'"'"'s folder' fifo/t.json

topology big/t.json '{"big.bin": {"path": "big.bin"}}'
truncate -s 16777217 big/big.bin
expect 1 'netsim: big/t.json:6:36: script[0].files["big.bin"].path: "big.bin" is 16777217 bytes, larger than 16 MiB (looked for big/big.bin); expected a file of at most 16777216 bytes' big/t.json

# Four files of 16 MiB are the whole budget of 64 MiB: one byte more is refused.
topology total/t.json '{"a": {"path": "16m"}, "b": {"path": "16m"}, "c": {"path": "16m"}, "d": {"path": "16m"}, "e": "x"}'
truncate -s 16777216 total/16m
expect 1 'netsim: total/t.json:6:109: script[0].files.e: "x" (1 byte) brings the topology'"'"'s files to 67108865 bytes; expected at most 67108864 bytes (64 MiB) for all file servers'"'"' files together' total/t.json

topology escape/t.json '{"passwd": {"path": "etc/passwd"}}'
ln -s /etc escape/etc
expect 1 'netsim: escape/t.json:6:35: script[0].files.passwd.path: "etc/passwd" leads out of the topology'"'"'s folder (escape) through a symbolic link; expected a file inside that folder' escape/t.json

# In the current directory the folder is ".".
topology here.json '{"passwd": {"path": "/etc/passwd"}}'
expect 1 'netsim: here.json:6:35: script[0].files.passwd.path: "/etc/passwd" is an absolute path; expected a path relative to the topology'"'"'s folder (.), e.g. "photo.jpg"' here.json

# These load: a subfolder, a symbolic link inside the folder, an empty file.
topology ok/t.json '{"a.txt": {"path": "images/a.txt"}, "b.txt": {"path": "link.txt"}, "c.txt": {"path": "./empty"}}'
mkdir -p ok/images
echo hello > ok/images/a.txt
ln -s images/a.txt ok/link.txt
: > ok/empty
expect 0 '' ok/t.json

finish file_paths_check "all cases pass"
