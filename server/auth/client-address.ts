import "server-only";
import { isIP } from "node:net";

/** The budget every client shares when the app can't tell clients apart (no trusted proxy). */
export const UNKNOWN_ADDRESS = "unknown";

/**
 * The client's address for per-address limits, from `X-Forwarded-For` and the number of trusted
 * proxies in front of the app (`TRUST_PROXY_HOPS`).
 *
 * Route handlers never see the socket: Next.js passes them no peer address, and `next start`
 * copies the socket address into `X-Forwarded-For` only when the request has no such header
 * (`??=` in next/dist/server/base-server.js), so without a proxy the header is whatever the client
 * chose to send: with `hops` 0 it is not read at all and every client counts as
 * {@link UNKNOWN_ADDRESS}. Each trusted proxy appends the address it received the request from,
 * so the client is the `hops`-th entry from the right; entries further left are the client's own
 * and are ignored. A list shorter than `hops`, or an entry that is no IP address in any of the
 * forms proxies write (normaliseAddress), also gives {@link UNKNOWN_ADDRESS}.
 *
 * IPv6 addresses count by their /64 (one customer's usual allocation), so a client can't reset
 * its budget by changing its interface id; IPv4-mapped IPv6 counts as the IPv4 address.
 */
export function clientAddress(forwardedFor: string | null | undefined, hops: number): string {
  if (hops <= 0 || !forwardedFor) return UNKNOWN_ADDRESS;
  const entries = forwardedFor.split(",").map((entry) => entry.trim());
  const entry = entries.length >= hops ? entries[entries.length - hops] : undefined;
  return entry ? normaliseAddress(entry) : UNKNOWN_ADDRESS;
}

/**
 * One X-Forwarded-For entry as the budget key: the forms proxies write (`1.2.3.4:5678`,
 * `[2001:db8::1]:443`, `"[2001:db8::1]"`, a zone `fe80::1%eth0`) lose their quotes, brackets, port
 * and zone, so one client is one key whatever its proxy's habit; anything else is unknown.
 */
export function normaliseAddress(raw: string): string {
  const address = hostOf(raw.trim().replace(/^"(.*)"$/, "$1").trim()).toLowerCase().replace(/%[^%]*$/, "");
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return UNKNOWN_ADDRESS;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1]) return mapped[1];
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

/** The address part of `[v6]`, `[v6]:port` or `v4:port`; anything else as it is (a bare IPv6 has several colons). */
function hostOf(entry: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d{1,5})?$/.exec(entry);
  if (bracketed) return bracketed[1] ?? "";
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  return withPort?.[1] ?? entry;
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros. */
function expandIpv6(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // A trailing dotted IPv4 part stands for two groups.
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length - (right.at(-1)?.includes(".") ? 1 : 0))).fill("0"), ...right];
  return groups.slice(0, 8).map((group) => (group.includes(".") ? group : (parseInt(group, 16) || 0).toString(16)));
}
