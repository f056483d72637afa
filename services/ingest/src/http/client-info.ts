import proxyAddr from '@fastify/proxy-addr';
import type { FastifyRequest } from 'fastify';
import { CjoError } from '@cjo/errors';
import type { ClientInfo } from '../steps/build-raw-event';

/** Says whether a hop (a peer or an X-Forwarded-For entry) may be believed about the one before it. */
export type TrustProxy = (address: string, hop: number) => boolean;

/** Compiles TRUSTED_PROXIES once; an entry proxy-addr cannot read stops the service at start. */
export function compileTrustedProxies(entries: readonly string[]): TrustProxy {
  try {
    return proxyAddr.compile([...entries]);
  } catch (err) {
    throw new CjoError('ingest_invalid_trusted_proxies', `TRUSTED_PROXIES: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/**
 * The client's address is the TCP peer, unless the peer is a trusted proxy: then X-Forwarded-For
 * is walked from the right while each hop is trusted (what fastify's trustProxy does, which the
 * shared app does not switch on for every service).
 */
export function clientInfoOf(request: FastifyRequest, trust: TrustProxy): ClientInfo {
  const ip = request.raw.socket?.remoteAddress === undefined ? undefined : proxyAddr(request.raw, trust);
  const userAgent = request.headers['user-agent'];
  return { ip, userAgent: userAgent === '' ? undefined : userAgent };
}
