#!/usr/bin/env bash
# Programs' error messages as Linux prints them (issue 11, item 7): what host
# A's programs print, line for line with their times, in small topologies made
# here. Usage: linux_messages_check.sh NETSIM
#  - ports-exhausted: one ephemeral port, held in TIME-WAIT, then by a UDP
#    socket: connect() fails with EADDRNOTAVAIL, an unbound sendto() with
#    EAGAIN (Linux's inet_autobind); the connected UDP socket hears of the
#    failed ARP as EHOSTUNREACH;
#  - firewall-out: A's own firewall refuses on its out chain: sendto() and
#    ping's sendmsg() fail with EPERM, as with an iptables OUTPUT rule; a
#    refused SYN is lost, so connect() times out (Linux's tcp_connect ignores
#    the error); drops are traced as the packets refused;
#  - download-cut: the path is cut mid-download and never comes back: the
#    downloader's keepalive gives up after 600 s;
#  - long-names: names at their limits still make a capture file name.
set -uo pipefail
netsim=$1
. "$(dirname "$0")/lib.sh"

# expect NAME: runs $work/NAME.json and compares A's program output with
# $work/NAME.expected.
expect() {
    local name=$1
    "$netsim" run "$work/$name.json" --quiet --out "$work/$name.d" 2>"$work/$name.err"
    grep -E '^[0-9.]+  A +\| ' "$work/$name.d/trace.txt" >"$work/$name.got"
    if ! diff -u "$work/$name.expected" "$work/$name.got" >&2; then
        fail "$name: A's output differs (- expected, + got)"
    fi
}

# expect_drop NAME "TRACE LINE": the trace holds this line.
expect_drop() {
    if ! grep -qxF "$2" "$work/$1.d/trace.txt"; then
        fail "$1: no trace line \"$2\""
    fi
}

cat >"$work/ports-exhausted.json" <<'JSON'
{"name": "ports-exhausted",
 "devices": {
  "A": {"type": "host", "ip": "10.0.0.1/24", "ephemeral_ports": "40000-40000"},
  "B": {"type": "host", "ip": "10.0.0.2/24"}},
 "links": [["A", "B"]],
 "script": [
  {"at": "0s", "on": "B", "do": "tcp_server", "port": 7},
  {"at": "0s", "on": "A", "do": "tcp_client", "to": "10.0.0.2", "port": 7, "send": ["hi"]},
  {"at": "1s", "on": "A", "do": "tcp_client", "to": "10.0.0.2", "port": 7, "send": ["again"]},
  {"at": "2s", "on": "A", "do": "udp_send", "to": "10.0.0.99", "port": 9, "data": "x", "connect": true},
  {"at": "3s", "on": "A", "do": "udp_send", "to": "10.0.0.2", "port": 9, "data": "y"}
 ]}
JSON
cat >"$work/ports-exhausted.expected" <<'OUT'
0.000033120  A         | connected to 10.0.0.2:7 from port 40000
0.000033120  A         | request: hi
0.000064240  A         | response from the server: hi
1.000000000  A         | connect: Cannot assign requested address
2.000000000  A         | sent 1 bytes to 10.0.0.99:9 from port 40000: x
3.000000000  A         | sendto: Resource temporarily unavailable
5.000010000  A         | recv: No route to host (ICMP destination unreachable from 10.0.0.1)
OUT
expect ports-exhausted

cat >"$work/firewall-out.json" <<'JSON'
{"name": "firewall-out",
 "devices": {
  "A": {"type": "host", "ip": "10.0.0.1/24",
        "firewall": {"rules": [{"action": "reject", "protocol": "udp", "direction": "out"},
                               {"action": "deny", "protocol": "icmp", "direction": "out"},
                               {"action": "deny", "protocol": "tcp", "dst_port": 7, "direction": "out"}]}},
  "B": {"type": "host", "ip": "10.0.0.2/24"}},
 "links": [["A", "B"]],
 "script": [
  {"at": "0s", "on": "B", "do": "udp_server", "port": 9},
  {"at": "0s", "on": "B", "do": "tcp_server", "port": 7},
  {"at": "0s", "on": "A", "do": "udp_send", "to": "10.0.0.2", "port": 9, "data": "x"},
  {"at": "1s", "on": "A", "do": "ping", "to": "10.0.0.2", "count": 2},
  {"at": "10s", "on": "A", "do": "tcp_client", "to": "10.0.0.2", "port": 7, "send": ["hi"]}
 ]}
JSON
cat >"$work/firewall-out.expected" <<'OUT'
0.000000000  A         | sendto: Operation not permitted
1.000000000  A         | PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.
1.000000000  A         | ping: sendmsg: Operation not permitted
2.000000000  A         | ping: sendmsg: Operation not permitted
12.000000000  A         | --- 10.0.0.2 ping statistics ---
12.000000000  A         | 2 packets transmitted, 0 received, 100% packet loss, time 11000ms
133.000000000  A         | connect: Connection timed out
OUT
expect firewall-out
expect_drop firewall-out '0.000000000  A.eth0    drop     #1     02:00:00:01:00:01 > 00:00:00:00:00:00  UDP 10.0.0.1:47460 > 10.0.0.2:9 len=1 ttl=64  (firewall rule 1: reject UDP out)'
expect_drop firewall-out '1.000000000  A.eth0    drop     #2     02:00:00:01:00:01 > 00:00:00:00:00:00  ICMP echo request 10.0.0.1 > 10.0.0.2 id=0xb3f2 seq=1 ttl=64  (firewall rule 2: deny ICMP out)'
expect_drop firewall-out '10.000000000  A.eth0    drop     #4     02:00:00:01:00:01 > 00:00:00:00:00:00  TCP 10.0.0.1:48976 > 10.0.0.2:7 [S] seq=3261506471 win=64240 len=0 ttl=64 options [mss 1460,sackOK,TS val 4250478860 ecr 0,wscale 7]  (firewall rule 3: deny TCP dport 7 out)'

cat >"$work/download-cut.json" <<'JSON'
{"name": "download-cut",
 "devices": {
  "A": {"type": "host", "ip": "10.0.0.1/24"},
  "B": {"type": "host", "ip": "10.0.0.2/24"}},
 "links": [["A", "B"]],
 "script": [
  {"at": "0s", "on": "B", "do": "file_server", "port": 8083, "files": {"data.bin": {"size": 50000}}},
  {"at": "100ms", "on": "A", "do": "file_download", "to": "10.0.0.2", "port": 8083, "file": "data.bin"},
  {"at": "102ms", "do": "link_down", "link": ["A", "B"]}
 ]}
JSON
cat >"$work/download-cut.expected" <<'OUT'
0.100033120  A         | connected to 10.0.0.2:8083, asking for data.bin
600.101902960  A         | recv: Connection timed out
600.101902960  A         | download failed: data.bin, 21720 bytes received before the connection was lost
OUT
expect download-cut
expect_drop download-cut '540.101902960  A         send            10.0.0.1:47460 > 10.0.0.2:8083 seq=136987932 len=0, probe 9 of 9  (keepalive probe (keepalive timer))'

# Names at their limits (device 64 bytes, interface 32) pass `netsim check`
# and run, their link's capture file name included (the 300-byte name of
# tests/errors/device-name-too-long.json used to pass check, then fail the run
# with "File name too long").
dev64=$(printf 'd%.0s' $(seq 64))
dev62=$(printf 'e%.0s' $(seq 62))
if32=$(printf 'i%.0s' $(seq 32))
cat >"$work/long-names.json" <<JSON
{"devices": {
  "$dev64": {"type": "router", "interfaces": {"$if32": {"ip": "10.0.0.1/24"}}},
  "${dev62}é": {"type": "router", "interfaces": {"$if32": {"ip": "10.0.0.2/24"}}}},
 "links": [["$dev64.$if32", "${dev62}é.$if32"]],
 "script": [{"at": "0s", "on": "$dev64", "do": "ping", "to": "10.0.0.2", "count": 1}]}
JSON
if ! "$netsim" check "$work/long-names.json" ||
    ! "$netsim" run "$work/long-names.json" --quiet --out "$work/long-names.d" ||
    [ "$(ls "$work/long-names.d/pcap" | wc -l)" -ne 1 ]; then
    fail "names at their limits (64-byte devices, 32-byte interfaces) do not run"
fi

finish linux_messages_check "programs' messages"
