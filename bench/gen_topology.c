/*
 * gen_topology: writes the benchmark topologies of docs/performance.md as
 * netsim JSON on standard output, at any size.
 *
 *   gen_topology lan N          N hosts, each on its own port of one switch;
 *                               host i pings host (i+1) mod N at 1 s + i*100 us
 *   gen_topology chain R K      hostA - r1 - ... - rR - hostB on /30 links;
 *                               hostA sends K echo requests 100 us apart, TTL 255;
 *                               hostB's "ttl" is 255 too, so every echo is answered
 *   gen_topology campus S H     S subnets of H hosts, each subnet a switch with an
 *                               uplink to one core router; every host runs a UDP
 *                               echo server on port 9 and sends one 56-byte datagram
 *                               to a host of another subnet drawn by splitmix64
 *
 * Links are 100 Mbit/s with 100-frame queues, payloads 56 bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ip_text(unsigned long a, char *buf) {
    sprintf(buf, "%lu.%lu.%lu.%lu", (a >> 24) & 255, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

static int lan(long n) {
    if (n < 2 || n > 65535) {
        fprintf(stderr, "gen_topology: lan needs 2 <= N <= 65535 (one switch)\n");
        return 2;
    }
    char ip[20], to[20];
    unsigned long base = 0x0A000001ul; /* 10.0.0.1 */
    printf("{\"name\": \"lan-%ld\",\n \"description\": \"benchmark: %ld hosts on one switch\",\n"
           " \"devices\": {\n",
           n, n);
    for (long i = 0; i < n; i++) {
        ip_text(base + (unsigned long)i, ip);
        printf("  \"h%ld\": {\"type\": \"host\", \"ip\": \"%s/16\"},\n", i, ip);
    }
    printf("  \"sw\": {\"type\": \"switch\", \"ports\": %ld}\n },\n \"links\": [\n", n);
    for (long i = 0; i < n; i++)
        printf("  [\"h%ld\", \"sw.p%ld\"]%s\n", i, i + 1, i + 1 < n ? "," : "");
    printf(" ],\n \"script\": [\n");
    for (long i = 0; i < n; i++) {
        ip_text(base + (unsigned long)((i + 1) % n), to);
        printf("  {\"at\": \"%ldus\", \"on\": \"h%ld\", \"do\": \"ping\", \"to\": \"%s\"}%s\n",
               1000000 + i * 100, i, to, i + 1 < n ? "," : "");
    }
    printf(" ]\n}\n");
    return 0;
}

/* Link j is the j-th /30 of 10.0.0.0/8: left end .1, right end .2. */
static void chain_addr(long j, int end, char *buf) {
    ip_text(0x0A000000ul + (unsigned long)j * 4 + (unsigned long)end, buf);
}

static int chain(long r, long k) {
    if (r < 1 || k < 1) {
        fprintf(stderr, "gen_topology: chain needs R >= 1 and K >= 1\n");
        return 2;
    }
    char a[20], b[20], last[20];
    printf("{\"name\": \"chain-%ld-%ld\",\n \"description\": \"benchmark: %ld routers in a row\",\n"
           " \"devices\": {\n",
           r, k, r);
    chain_addr(0, 1, a);
    chain_addr(0, 2, b);
    printf("  \"hostA\": {\"type\": \"host\", \"ip\": \"%s/30\", \"gateway\": \"%s\"},\n", a, b);
    for (long i = 1; i <= r; i++) {
        char left[20], right[20], next[20], prev[20];
        chain_addr(i - 1, 2, left);
        chain_addr(i, 1, right);
        chain_addr(i, 2, next);
        chain_addr(i - 1, 1, prev);
        printf("  \"r%ld\": {\"type\": \"router\", \"interfaces\": {\"eth0\": {\"ip\": \"%s/30\"}, "
               "\"eth1\": {\"ip\": \"%s/30\"}},\n         \"routes\": [",
               i, left, right);
        if (i < r)
            printf("{\"to\": \"0.0.0.0/0\", \"via\": \"%s\"}", next);
        if (i > 1)
            printf("%s{\"to\": \"10.0.0.0/30\", \"via\": \"%s\"}", i < r ? ", " : "", prev);
        printf("]},\n");
    }
    chain_addr(r, 1, a);
    chain_addr(r, 2, last);
    /* hostB's replies need TTL 255 too, or they die after 64 routers (issue 16). */
    printf("  \"hostB\": {\"type\": \"host\", \"ip\": \"%s/30\", \"gateway\": \"%s\", "
           "\"ttl\": 255}\n },\n",
           last, a);
    printf(" \"links\": [\n  [\"hostA\", \"r1.eth0\"],\n");
    for (long i = 1; i < r; i++)
        printf("  {\"ends\": [\"r%ld.eth1\", \"r%ld.eth0\"], \"delay\": \"1us\"},\n", i, i + 1);
    printf("  [\"r%ld.eth1\", \"hostB\"]\n ],\n", r);
    printf(" \"script\": [{\"at\": \"1s\", \"on\": \"hostA\", \"do\": \"ping\", \"to\": \"%s\", "
           "\"count\": %ld, \"interval\": \"100us\", \"ttl\": 255}]\n}\n",
           last, k);
    return 0;
}

/* splitmix64, as the benchmark is specified (docs/performance.md). */
static unsigned long long splitmix64(unsigned long long *state) {
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Subnet s is 10.(s / 256).(s % 256).0/24: router .1, host h .(h + 2). */
static void campus_addr(long s, long host, char *buf) {
    sprintf(buf, "10.%ld.%ld.%ld", s / 256, s % 256, host);
}

static int campus(long s_count, long h_count) {
    if (s_count < 2 || h_count < 1 || h_count > 253 || s_count > 65536) {
        fprintf(stderr, "gen_topology: campus needs 2 <= S <= 65536 and 1 <= H <= 253\n");
        return 2;
    }
    char ip[24], gw[24];
    printf("{\"name\": \"campus-%ld-%ld\",\n \"description\": \"benchmark: %ld subnets of %ld "
           "hosts around one core router\",\n \"devices\": {\n",
           s_count, h_count, s_count, h_count);
    for (long s = 0; s < s_count; s++) {
        campus_addr(s, 1, gw);
        for (long h = 0; h < h_count; h++) {
            campus_addr(s, h + 2, ip);
            printf("  \"h%ld-%ld\": {\"type\": \"host\", \"ip\": \"%s/24\", \"gateway\": "
                   "\"%s\"},\n",
                   s, h, ip, gw);
        }
        printf("  \"sw%ld\": {\"type\": \"switch\", \"ports\": %ld},\n", s, h_count + 1);
    }
    printf("  \"core\": {\"type\": \"router\", \"interfaces\": {");
    for (long s = 0; s < s_count; s++) {
        campus_addr(s, 1, gw);
        printf("%s\"eth%ld\": {\"ip\": \"%s/24\"}", s ? ", " : "", s, gw);
    }
    printf("}}\n },\n \"links\": [\n");
    for (long s = 0; s < s_count; s++) {
        for (long h = 0; h < h_count; h++)
            printf("  [\"h%ld-%ld\", \"sw%ld.p%ld\"],\n", s, h, s, h + 1);
        printf("  [\"sw%ld.p%ld\", \"core.eth%ld\"]%s\n", s, h_count + 1, s,
               s + 1 < s_count ? "," : "");
    }
    printf(" ],\n \"script\": [\n");
    unsigned long long state = 1;
    for (long s = 0; s < s_count; s++)
        for (long h = 0; h < h_count; h++) {
            long g = s * h_count + h;
            long ds =
                (s + 1 + (long)(splitmix64(&state) % (unsigned long long)(s_count - 1))) % s_count;
            long dh = (long)(splitmix64(&state) % (unsigned long long)h_count);
            campus_addr(ds, dh + 2, ip);
            printf("  {\"at\": \"0s\", \"on\": \"h%ld-%ld\", \"do\": \"udp_server\", "
                   "\"port\": 9},\n",
                   s, h);
            printf("  {\"at\": \"%ldus\", \"on\": \"h%ld-%ld\", \"do\": \"udp_send\", "
                   "\"to\": \"%s\", \"port\": 9, \"data\": "
                   "\"01234567890123456789012345678901234567890123456789012345\"}%s\n",
                   1000000 + g * 20, s, h, ip, g + 1 < s_count * h_count ? "," : "");
        }
    printf(" ]\n}\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "lan") == 0)
        return lan(atol(argv[2]));
    if (argc == 4 && strcmp(argv[1], "chain") == 0)
        return chain(atol(argv[2]), atol(argv[3]));
    if (argc == 4 && strcmp(argv[1], "campus") == 0)
        return campus(atol(argv[2]), atol(argv[3]));
    fprintf(stderr, "usage: gen_topology lan N | chain R K | campus S H\n");
    return 2;
}
