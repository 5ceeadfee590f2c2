import net from 'node:net';

/** Whether an address is this machine's loopback (127.0.0.0/8, ::1, or IPv4-mapped 127.x). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1';
}

/** A peer as the log names it, `address:port`; `?:0` for what a closed socket no longer knows. */
export function peerName(peer: { remoteAddress?: string | undefined; remotePort?: number | undefined } | undefined): string {
  return `${peer?.remoteAddress ?? '?'}:${peer?.remotePort ?? 0}`;
}
