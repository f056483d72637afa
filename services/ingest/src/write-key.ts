import { randomBytes } from 'node:crypto';

/** 192 random bits, URL-safe so it can travel in a Basic auth header or a query string unchanged. */
export function newWriteKey(): string {
  return randomBytes(24).toString('base64url');
}
