// Network failures in words a person can act on: DNS, refused connections, TLS and timeouts each named.
import type { CoupaHost } from '../coupa';
import type { NetworkFailure } from './exchange';

const TLS_CODES = /^(?:CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_(?:VERIFY|GET)_|EPROTO$|HOSTNAME_MISMATCH)/;

/** Why `host` could not be reached, with the fix. */
export function describeNetworkProblem(failure: NetworkFailure, host: CoupaHost, timeoutMs: number): string {
  const { code } = failure;
  const where = new URL(host.baseUrl).host;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return `DNS: ${host.hostname} does not resolve (${code}): check the host (an instance name like acme means acme.coupahost.com)`;
  }
  if (code === 'ECONNREFUSED') return `${where} refused the connection (ECONNREFUSED): nothing listens there; check the host and port`;
  if (code !== undefined && TLS_CODES.test(code)) {
    return (
      `TLS failure talking to ${where} (${code}): the certificate is not valid for this host or not trusted; check the host name, ` +
      'or if a proxy inspects HTTPS, give Node its CA with NODE_EXTRA_CA_CERTS'
    );
  }
  if (code === 'TIMEOUT' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `${where} did not answer within ${Math.round(timeoutMs / 1000)} s (${code}): check the host, and that this network may reach it (proxy, firewall, VPC egress)`;
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return `${where} closed the connection (${code}): a proxy or firewall may be in the way; try again`;
  }
  return `${where} could not be reached (${code ?? failure.detail ?? 'network error'}): check the host and port, and this network's access to it`;
}
