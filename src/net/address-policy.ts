/**
 * Which IP addresses a plan's URL may make Stillmotion connect to. A plan can come from someone
 * else (a shared plan, a batch, a render service), so its URLs must not reach the machine's own
 * services or the cloud's instance metadata (credentials):
 *   - never: link-local (169.254.0.0/16, fe80::/10: every cloud's metadata service lives there),
 *     the other metadata addresses (Alibaba 100.100.100.200, AWS IPv6 fd00:ec2::254, Oracle's old
 *     192.0.0.192), multicast, broadcast and reserved ranges;
 *   - only when the user allows local URLs: loopback, private (RFC 1918), carrier-grade NAT,
 *     unique-local IPv6, "this host" (0.0.0.0, ::), benchmarking;
 *   - everything else (the public internet).
 * IPv4 written inside IPv6 (::ffff:a.b.c.d, NAT64 64:ff9b::/96) is judged as the IPv4 address.
 */
import { BlockList, isIP } from 'node:net';
import { ENV_ALLOW_LOCAL_URLS } from './input-policy';

export type AddressClass = 'forbidden' | 'local' | 'public';

const FORBIDDEN = new BlockList();
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local; 169.254.169.254 = AWS, GCP, Azure, Oracle, DigitalOcean metadata
FORBIDDEN.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata (inside 100.64.0.0/10)
FORBIDDEN.addAddress('192.0.0.192', 'ipv4'); // Oracle Cloud's former metadata address
FORBIDDEN.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
FORBIDDEN.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, and 255.255.255.255 broadcast
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6'); // link-local
FORBIDDEN.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6 (inside fc00::/7)
FORBIDDEN.addSubnet('ff00::', 8, 'ipv6'); // multicast

const LOCAL = new BlockList();
LOCAL.addSubnet('127.0.0.0', 8, 'ipv4'); // loopback
LOCAL.addSubnet('0.0.0.0', 8, 'ipv4'); // "this host": connecting to 0.0.0.0 reaches loopback
LOCAL.addSubnet('10.0.0.0', 8, 'ipv4');
LOCAL.addSubnet('172.16.0.0', 12, 'ipv4');
LOCAL.addSubnet('192.168.0.0', 16, 'ipv4');
LOCAL.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT (also cloud-internal ranges)
LOCAL.addSubnet('192.0.0.0', 24, 'ipv4'); // IETF protocol assignments
LOCAL.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking
LOCAL.addAddress('::1', 'ipv6');
LOCAL.addAddress('::', 'ipv6');
LOCAL.addSubnet('fc00::', 7, 'ipv6'); // unique local
LOCAL.addSubnet('fec0::', 10, 'ipv6'); // former site-local

const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');

/** The IPv4 address carried by a NAT64 address (64:ff9b::a.b.c.d), else null. */
function nat64Ipv4(address: string): string | null {
  if (isIP(address) !== 6 || !NAT64.check(address, 'ipv6')) return null;
  // The last 32 bits: the final two hextets (or a dotted tail).
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) return dotted[1]!;
  const groups = address.split(':');
  const lo = parseInt(groups[groups.length - 1] || '0', 16);
  const hi = parseInt(groups[groups.length - 2] || '0', 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Classifies an IP address (v4 or v6, without brackets); anything that is not an IP is forbidden. */
export function classifyAddress(address: string): AddressClass {
  const embedded = nat64Ipv4(address);
  if (embedded) return classifyAddress(embedded);
  const family = isIP(address);
  if (family === 0) return 'forbidden';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // BlockList matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against the IPv4 rules itself.
  if (FORBIDDEN.check(address, type)) return 'forbidden';
  if (LOCAL.check(address, type)) return 'local';
  return 'public';
}

/** Why a connection to `address` is refused ("a loopback or private address ..."), or null when it is allowed. */
export function addressRefusal(address: string, allowLocal: boolean): string | null {
  const cls = classifyAddress(address);
  if (cls === 'forbidden') return 'a link-local, cloud-metadata or reserved address (never fetched)';
  if (cls === 'local' && !allowLocal) return `a loopback or private address (allow it with --allow-local-urls or ${ENV_ALLOW_LOCAL_URLS}=1)`;
  return null;
}
