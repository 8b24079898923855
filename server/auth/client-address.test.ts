import { describe, expect, it } from "vitest";
import { clientAddress, UNKNOWN_ADDRESS } from "./client-address";

describe("clientAddress", () => {
  it.each([
    ["no trusted proxy ignores the header (the client wrote it)", "203.0.113.7", 0, UNKNOWN_ADDRESS],
    ["no header", null, 1, UNKNOWN_ADDRESS],
    ["an empty header", "", 1, UNKNOWN_ADDRESS],
    ["one proxy: the rightmost entry", "203.0.113.7", 1, "203.0.113.7"],
    ["one proxy: a forged left part is ignored", "1.1.1.1, 203.0.113.7", 1, "203.0.113.7"],
    ["two proxies: second from the right", "1.1.1.1, 203.0.113.7, 10.0.0.2", 2, "203.0.113.7"],
    ["two proxies but one entry (proxy bypassed)", "203.0.113.7", 2, UNKNOWN_ADDRESS],
    ["not an address", "evil", 1, UNKNOWN_ADDRESS],
    // Regression (issue 23): each of these fell into the one shared "unknown" budget.
    ["an IPv4 address with a port", "203.0.113.7:5555", 1, "203.0.113.7"],
    ["a bracketed IPv6 address with a port", "[2001:db8:1:2::1]:443", 1, "2001:db8:1:2::/64"],
    ["a bracketed IPv6 address", "[2001:db8:1:2::1]", 1, "2001:db8:1:2::/64"],
    ["a quoted bracketed IPv6 address", '"[2001:db8:1:2::1]"', 1, "2001:db8:1:2::/64"],
    ["a quoted bracketed IPv6 address with a port, among others", '1.1.1.1, "[2001:DB8:1:2::1]:8080"', 1, "2001:db8:1:2::/64"],
    ["an IPv6 address with a zone", "fe80::1%eth0", 1, "fe80:0:0:0::/64"],
    ["a quoted IPv4 address", '"203.0.113.7"', 1, "203.0.113.7"],
    ["IPv4-mapped IPv6 in brackets with a port", "[::ffff:203.0.113.7]:80", 1, "203.0.113.7"],
    ["a port without an address", ":5555", 1, UNKNOWN_ADDRESS],
    ["an IPv4 address with a bad port", "203.0.113.7:http", 1, UNKNOWN_ADDRESS],
    ["an unclosed bracket", "[2001:db8::1", 1, UNKNOWN_ADDRESS],
    ["brackets around an IPv4 address and a port", "[203.0.113.7]:80", 1, "203.0.113.7"],
    ["a host name", "proxy.internal:8080", 1, UNKNOWN_ADDRESS],
    ["the obfuscated form RFC 7239 allows", "_hidden", 1, UNKNOWN_ADDRESS],
    ["IPv4-mapped IPv6", "::ffff:203.0.113.7", 1, "203.0.113.7"],
    ["IPv6 counts by /64", "2001:db8:1:2:aaaa::1", 1, "2001:db8:1:2::/64"],
    ["IPv6 in capitals and with zeros", "2001:0DB8:0001:0002:ffff:ffff:ffff:ffff", 1, "2001:db8:1:2::/64"],
    ["IPv6 loopback", "::1", 1, "0:0:0:0::/64"],
  ])("%s", (_label, header, hops, expected) => {
    expect(clientAddress(header, hops)).toBe(expected);
  });
});
