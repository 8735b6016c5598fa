import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API keys look like `agk_<keyId>_<secret><checksum>`:
 * - keyId: 16 base62 characters, public (safe in logs), the record's primary key;
 * - secret: 32 base62 characters (~190 bits), shown once, stored only as an HMAC;
 * - checksum: 6 base62 characters of CRC-32 over everything before it, so typos and random
 *   strings are rejected without a store read.
 * Base62 never contains `_`, so the separators are unambiguous.
 */
export const KEY_PREFIX = 'agk';
const KEY_ID_LENGTH = 16;
const SECRET_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(
  `^${KEY_PREFIX}_([0-9A-Za-z]{${KEY_ID_LENGTH}})_([0-9A-Za-z]{${SECRET_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`,
);
export const KEY_ID_PATTERN = new RegExp(`^[0-9A-Za-z]{${KEY_ID_LENGTH}}$`);

/** Uniform base62 characters (rejection sampling: no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

function base62Fixed(value: number, length: number): string {
  let out = '';
  let n = value;
  for (let i = 0; i < length; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function checksum(body: string): string {
  return base62Fixed(crc32(body), CHECKSUM_LENGTH);
}

export interface GeneratedKey {
  keyId: string;
  secret: string;
  /** The full key the client sends. Never stored, never logged. */
  key: string;
}

export function generateKey(): GeneratedKey {
  const keyId = randomBase62(KEY_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  const body = `${KEY_PREFIX}_${keyId}_${secret}`;
  return { keyId, secret, key: `${body}${checksum(body)}` };
}

export type ParsedKey = { keyId: string; secret: string };

/** Splits a presented key; undefined when it is malformed or its checksum does not match. */
export function parseKey(presented: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return undefined;
  const [, keyId, secret, sum] = match as unknown as [string, string, string, string];
  if (checksum(`${KEY_PREFIX}_${keyId}_${secret}`) !== sum) return undefined;
  return { keyId, secret };
}

/** HMAC-SHA-256 of the secret under a server-side pepper: a stolen table alone cannot verify guesses. */
export function hashSecret(secret: string, pepper: Buffer): string {
  return createHmac('sha256', pepper).update(secret).digest('base64url');
}

export function secretMatches(secret: string, pepper: Buffer, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret, pepper));
  const expected = Buffer.from(storedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export const KEY_STATUSES = ['active', 'revoked'] as const;

export interface ApiKeyRecord {
  keyId: string;
  clientId: string;
  name: string;
  status: (typeof KEY_STATUSES)[number];
  hash: string;
  /** Which pepper produced `hash`, so the pepper can rotate without invalidating keys. */
  hashVersion: number;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
  /** Set on a key replaced by rotation: the key that replaced it. */
  rotatedTo?: string;
}

export interface ClientRecord {
  clientId: string;
  name: string;
  /** Requests per UTC hour shared by all the client's keys. */
  hourlyLimit: number;
  createdAt: string;
  /** A canary client (`keys create --canary`): may create canary projects (docs/ARCHITECTURE.md, "Canary"). */
  canary?: boolean;
}

export type KeyState = 'active' | 'revoked' | 'expired';

export function keyState(key: ApiKeyRecord, now: Date): KeyState {
  if (key.status === 'revoked') return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime()) return 'expired';
  return 'active';
}

/** Public view of a key record: everything but the hash. */
export function describeKey(key: ApiKeyRecord, now: Date) {
  const { hash: _hash, hashVersion: _version, ...rest } = key;
  return { ...rest, state: keyState(key, now) };
}

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export function newClientId(): string {
  return `cl-${randomBase62(12)}`;
}
