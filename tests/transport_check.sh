#!/usr/bin/env bash
# transport_check.sh NETSIM REPO_ROOT
#
# Checks the transport and service scenarios against tshark, a decoder nobody
# here wrote (pcap_check.sh already checks that every frame of every topology
# decodes cleanly; this checks what the frames mean):
#  - TCP: `tshark -z conv,tcp` lists the expected conversations, and each one
#    is complete in the capture (SYN, SYN-ACK, ACK, data, FIN: Wireshark's
#    tcp.completeness 31), except the connection refused on purpose (SYN, RST);
#  - TCP analysis: no tcp.analysis flag at all where no link loses frames;
#    where one does (file-download, tcp-loss), only the intended ones:
#    retransmission, fast retransmission, duplicate ACK. A frame lost in transit
#    is captured at the sender's side, so no capture may show "previous segment
#    not captured" or "ACKed unseen segment"; tcp-loss must show both a fast
#    retransmission and a retransmission by timeout on the lossy link, and its
#    trace the SACK-based recovery (RFC 6675);
#  - DHCP: C1's exchange decodes as Discover, Offer, Request, ACK, every one a
#    broadcast (0.0.0.0 or the server to 255.255.255.255, ff:ff:ff:ff:ff:ff)
#    with the broadcast flag;
#  - DNS: the queries and answers (A record, NXDOMAIN) of dns-web;
#  - UDP: the echo of udp-echo, and ICMP port unreachable for the closed port;
#  - the downloads arrive intact: the CRC-32 the client prints equals the one
#    the server prints, and equals zlib's CRC-32 of the stream tshark
#    reassembles from the server's capture.
set -uo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 NETSIM REPO_ROOT" >&2
    exit 2
fi
netsim=$1 root=$2
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install tshark)" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
export HOME=$work # tshark wants a writable profile directory
checks=0

ts() { # tshark, quiet about running as root
    tshark "$@" 2>/dev/null
}

run() { # run NAME: runs topologies/NAME.json into $work/NAME
    # No Graphviz on its PATH: pictures are not checked here, and they cost most of the time.
    if ! PATH=/nonexistent "$netsim" run "$root/topologies/$1.json" --quiet --out "$work/$1" 2>"$work/$1.err"; then
        fail "$1: netsim run failed: $(cat "$work/$1.err")"
        return 1
    fi
}

# expect_equal WHAT GOT WANT
expect_equal() {
    checks=$((checks + 1))
    if [ "$2" != "$3" ]; then
        fail "$1:"$'\n'"  got:  $(echo "$2" | sed '2,$s/^/        /')"$'\n'"  want: $(echo "$3" | sed '2,$s/^/        /')"
    fi
}

# conversations NAME PCAP COUNT: conv,tcp lists COUNT conversations, each complete.
conversations() {
    local name=$1 pcap=$work/$1/pcap/$2.pcap count=$3
    local listed
    listed=$(ts -r "$pcap" -q -z conv,tcp | grep -c '<->')
    expect_equal "$name: conversations listed by tshark -z conv,tcp in $2" "$listed" "$count"
    # The highest completeness seen in each stream, and whether it was reset.
    local bad
    bad=$(ts -r "$pcap" -T fields -e tcp.stream -e tcp.completeness -e tcp.flags.reset |
        awk -F'\t' '$1 != "" { if ($2 + 0 > max[$1]) max[$1] = $2 + 0; if ($3 == "1" || $3 == "True") rst[$1] = 1 }
                    END { for (s in max) if (rst[s] ? !(max[s] % 2) : max[s] != 31) print "stream " s " completeness " max[s] (rst[s] ? " (reset)" : "") }')
    expect_equal "$name: incomplete TCP conversations in $2" "$bad" ""
}

# analysis NAME ALLOW_LOSS: the tcp.analysis flags of every capture of NAME.
analysis() {
    local name=$1 allow=$2 pcap
    for pcap in "$work/$name"/pcap/*.pcap; do
        local link filter got
        link=$(basename "$pcap" .pcap)
        if [ "$allow" = yes ]; then
            filter='tcp.analysis.flags && !tcp.analysis.retransmission && !tcp.analysis.fast_retransmission && !tcp.analysis.duplicate_ack'
        else
            filter='tcp.analysis.flags'
        fi
        got=$(ts -r "$pcap" -Y "$filter" -T fields -e frame.number -e _ws.expert.message | head -5)
        expect_equal "$name: $link: unexpected TCP analysis flags" "$got" ""
        got=$(ts -r "$pcap" -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' -T fields -e frame.number | head -3)
        expect_equal "$name: $link: \"previous segment not captured\" or \"ACKed unseen segment\"" "$got" ""
    done
}

# crc_check NAME FILE SERVER_PCAP: the client's CRC equals the server's and tshark's.
crc_check() {
    local name=$1 file=$2 pcap=$work/$1/pcap/$3.pcap
    local sent got
    sent=$(grep -o "sending $file: [0-9]* bytes, crc32 [0-9a-f]*" "$work/$name/trace.txt" | awk '{print $3, $6}')
    got=$(grep -o "download finished: $file, [0-9]* bytes in [0-9.]* s, crc32 [0-9a-f]*" "$work/$name/trace.txt" |
        awk '{print $4, $10}')
    checks=$((checks + 1))
    if [ -z "$sent" ] || [ "$sent" != "$got" ]; then
        fail "$name: the server sent \"$sent\" (bytes, crc32) but the client received \"$got\""
        return
    fi
    command -v python3 >/dev/null || return 0
    # The server's bytes as tshark reassembles them (node 1 is the server).
    local stream
    stream=$(ts -r "$pcap" -q -z follow,tcp,raw,0 | python3 -c '
import binascii, sys, zlib
data, started = b"", False
for line in sys.stdin.read().split("\n"):
    if line.startswith("Node 1:"):
        started = True
    elif started and line.startswith("\t") and line.strip():
        data += binascii.unhexlify(line.strip())
print(len(data), "%08x" % zlib.crc32(data))')
    expect_equal "$name: the stream tshark reassembles from $3 (bytes, zlib crc32)" "$stream" "$sent"
}

# ---- tcp-echo: two clients served, one refused --------------------------------
if run tcp-echo; then
    conversations tcp-echo B.eth0--sw1.p2 3
    analysis tcp-echo no
    got=$(ts -r "$work/tcp-echo/pcap/B.eth0--sw1.p2.pcap" -Y 'tcp.flags.reset == 1' -T fields -e tcp.srcport -e tcp.dstport)
    expect_equal "tcp-echo: RST from the closed port 9999" "$(echo "$got" | cut -f1)" "9999"
fi

# ---- tcp-short-long: three short connections and one long one ---------------
if run tcp-short-long; then
    conversations tcp-short-long S.eth0--sw1.p1 4
    analysis tcp-short-long no
    # Each request is 34 bytes and each answer 97, on all four connections.
    got=$(ts -r "$work/tcp-short-long/pcap/S.eth0--sw1.p1.pcap" -Y 'tcp.len > 0' -T fields -e tcp.len | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
    expect_equal "tcp-short-long: payload sizes (bytes x segments)" "$got" "34x6 97x6 "
fi

# ---- file-download: 100 KB over a lossy last hop, a missing file --------------
if run file-download; then
    conversations file-download r1.eth1--S.eth0 2
    analysis file-download yes
    crc_check file-download big.bin r1.eth1--S.eth0
    n=$(ts -r "$work/file-download/pcap/sw2.p1--C.eth0.pcap" -Y 'tcp.analysis.retransmission' -T fields -e frame.number | wc -l)
    checks=$((checks + 1))
    [ "$n" -ge 1 ] || fail "file-download: no retransmission on the lossy link"
fi

# ---- tcp-loss: SACK recovery (RFC 6675) and a retransmission by timeout -------
if run tcp-loss; then
    conversations tcp-loss S.eth0--sw1.p1 1
    analysis tcp-loss yes
    crc_check tcp-loss data.bin S.eth0--sw1.p1
    lossy=$work/tcp-loss/pcap/sw1.p2--C.eth0.pcap
    fast=$(ts -r "$lossy" -Y 'tcp.analysis.fast_retransmission' -T fields -e frame.number | wc -l)
    rto=$(ts -r "$lossy" -Y 'tcp.analysis.retransmission && !tcp.analysis.fast_retransmission' -T fields -e frame.number | wc -l)
    checks=$((checks + 1))
    [ "$fast" -ge 1 ] && [ "$rto" -ge 1 ] ||
        fail "tcp-loss: expected a fast retransmission and a timeout retransmission, got $fast and $rto"
    for why in "fast retransmit (SACKed data shows a loss)" "retransmission (SACK recovery, RFC 6675)" "retransmission (timeout)"; do
        checks=$((checks + 1))
        grep -q "($why)" "$work/tcp-loss/trace.txt" || fail "tcp-loss: the trace shows no \"$why\""
    done
fi

# ---- dhcp: Discover, Offer, Request, ACK, all broadcast -----------------------
if run dhcp; then
    got=$(ts -r "$work/dhcp/pcap/C1.eth0--sw1.p1.pcap" -Y 'dhcp && dhcp.hw.mac_addr == 02:00:00:01:00:01' \
        -T fields -e dhcp.option.dhcp -e ip.src -e ip.dst -e udp.srcport -e udp.dstport -e eth.dst -e dhcp.flags.bc)
    want=$(printf '%s\n' \
        "1	0.0.0.0	255.255.255.255	68	67	ff:ff:ff:ff:ff:ff	1" \
        "2	192.168.1.1	255.255.255.255	67	68	ff:ff:ff:ff:ff:ff	1" \
        "3	0.0.0.0	255.255.255.255	68	67	ff:ff:ff:ff:ff:ff	1" \
        "5	192.168.1.1	255.255.255.255	67	68	ff:ff:ff:ff:ff:ff	1")
    expect_equal "dhcp: C1's exchange (dhcp.option.dhcp, addresses, ports, broadcast)" \
        "$(echo "$got" | sed 's/\tTrue$/\t1/')" "$want"
    got=$(ts -r "$work/dhcp/pcap/C1.eth0--sw1.p1.pcap" -Y 'dhcp.option.dhcp == 5 && dhcp.hw.mac_addr == 02:00:00:01:00:01' \
        -T fields -e dhcp.ip.your -e dhcp.option.subnet_mask -e dhcp.option.router -e dhcp.option.domain_name_server)
    expect_equal "dhcp: C1's ACK (address, mask, router, DNS)" "$got" \
        "192.168.1.100	255.255.255.0	192.168.1.1	10.0.0.53"
fi

# ---- dns-web: DNS over UDP, then HTTP over TCP --------------------------------
if run dns-web; then
    conversations dns-web r1.eth2--W.eth0 2
    analysis dns-web no
    got=$(ts -r "$work/dns-web/pcap/C.eth0--sw1.p1.pcap" -Y dns \
        -T fields -e dns.flags.response -e dns.qry.name -e dns.flags.rcode -e dns.a -e udp.dstport |
        awk -F'\t' '{ if ($1 == "0" || $1 == "False") print "query", $2, "to port", $5; else print "response", $2, "rcode", $3, $4 }')
    want=$(printf '%s\n' \
        "query www.example.com to port 53" "response www.example.com rcode 0 93.184.216.34" \
        "query www.example.com to port 53" "response www.example.com rcode 0 93.184.216.34" \
        "query nosuch.example.com to port 53" "response nosuch.example.com rcode 3 " \
        "query www.example.com to port 53" "response www.example.com rcode 0 93.184.216.34")
    expect_equal "dns-web: DNS queries and responses on C's link" "$got" "$want"
    got=$(ts -r "$work/dns-web/pcap/r1.eth2--W.eth0.pcap" -Y 'http' -T fields -e http.request.method \
        -e http.request.uri -e http.host -e http.response.code -e http.content_length_header)
    want=$(printf '%s\n' "GET	/	www.example.com		" "			200	50" \
        "GET	/missing.html	www.example.com		" "			404	49")
    expect_equal "dns-web: HTTP requests and responses (tshark's HTTP dissector)" "$got" "$want"
fi

# ---- udp-echo: the echo, and port unreachable --------------------------------
if run udp-echo; then
    got=$(ts -r "$work/udp-echo/pcap/B.eth0--sw1.p2.pcap" -Y 'udp && !icmp' \
        -T fields -e ip.src -e udp.srcport -e ip.dst -e udp.dstport -e data.data |
        awk -F'\t' '{ cmd = "printf %s " $5 " | xxd -r -p"; cmd | getline text; close(cmd); print $1 ":" ($2 > 32767 ? "ephemeral" : $2), ">", $3 ":" ($4 > 32767 ? "ephemeral" : $4), text }')
    want=$(printf '%s\n' \
        "192.168.1.10:ephemeral > 192.168.1.20:8080 hello" \
        "192.168.1.20:8080 > 192.168.1.10:ephemeral hello" \
        "192.168.1.30:ephemeral > 192.168.1.20:9090 anyone there?" \
        "192.168.1.10:7788 > 192.168.1.20:8080 hello again" \
        "192.168.1.20:8080 > 192.168.1.10:7788 hello again")
    if command -v xxd >/dev/null; then
        expect_equal "udp-echo: datagrams on B's link" "$got" "$want"
    fi
    got=$(ts -r "$work/udp-echo/pcap/B.eth0--sw1.p2.pcap" -Y 'icmp.type == 3 && icmp.code == 3' \
        -T fields -E occurrence=f -e ip.src -e ip.dst -e udp.dstport)
    expect_equal "udp-echo: ICMP port unreachable for the datagram to 9090" "$got" \
        "192.168.1.20	192.168.1.30	9090"
fi

finish transport_check "$checks transport checks"
