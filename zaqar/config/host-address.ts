/**
 * oslo.config's HostAddress type (`oslo_config.types.HostAddress`): an IPv4
 * address, an IPv6 address or an RFC-1123 host name, with oslo's exact rules.
 */
import { isIPv4, isIPv6 } from 'node:net';

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

export function isHostAddress(value: string): boolean {
  return isIpAddress(value) || isHostname(value);
}

function isIpAddress(value: string): boolean {
  // oslo validates with inet_pton, which knows no IPv6 zone suffix (`%eth0`).
  return isIPv4(value) || (isIPv6(value) && !value.includes('%'));
}

function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const labels = name.split('.');
  // A numeric top-level label would make `999.1.1.1` a "host name"; oslo refuses it.
  if (!/[a-z-]/i.test(labels[labels.length - 1] ?? '')) return false;
  return labels.every((label) => HOST_LABEL.test(label));
}
