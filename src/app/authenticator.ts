import {
  type ApiKeyRecord,
  type ClientRecord,
  keyState,
  parseKey,
  secretMatches,
} from '../domain/api-key.ts';
import type { Clock, KeyRepository, PepperSource, Peppers } from './ports.ts';

export type AuthResult =
  | { result: 'valid'; key: ApiKeyRecord; client: ClientRecord }
  | { result: 'missing' | 'malformed' }
  | { result: 'unknown' | 'revoked' | 'expired'; keyId: string };

export interface AuthenticatorOptions {
  /** How long a key record is trusted from cache: the revocation delay. Default 30 s, at most 60. */
  cacheTtlMs?: number;
  /**
   * How long "no such key" is remembered (spares the store a flood of well-formed unknown keys).
   * Default 5 s. Safe because key reads are strongly consistent and a key's secret exists only
   * after its record is written: no lookup can precede the key it names, so a real key is never
   * remembered as unknown.
   */
  negativeCacheTtlMs?: number;
  /** Minimum interval between lastUsedAt writes per key. Default 60 s. */
  touchIntervalMs?: number;
}

type CacheEntry = { expires: number; found?: { key: ApiKeyRecord; client: ClientRecord } };

/**
 * Verifies presented API keys: format and checksum first (no I/O), then the cached or stored key
 * record, then the HMAC of the secret in constant time. Store failures propagate (fail closed).
 */
export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastTouched = new Map<string, number>();
  private peppers?: Promise<Peppers>;
  private readonly cacheTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly touchIntervalMs: number;

  constructor(
    private readonly keys: KeyRepository,
    private readonly pepperSource: PepperSource,
    private readonly clock: Clock,
    opts: AuthenticatorOptions = {},
  ) {
    this.cacheTtlMs = Math.min(opts.cacheTtlMs ?? 30_000, 60_000);
    this.negativeTtlMs = Math.min(opts.negativeCacheTtlMs ?? 5_000, this.cacheTtlMs);
    this.touchIntervalMs = opts.touchIntervalMs ?? 60_000;
  }

  async authenticate(presented: string | undefined): Promise<AuthResult> {
    if (presented === undefined || presented === '') return { result: 'missing' };
    const parsed = parseKey(presented.trim());
    if (!parsed) return { result: 'malformed' };

    const now = this.clock.now();
    const found = await this.lookup(parsed.keyId, now.getTime());
    if (!found) return { result: 'unknown', keyId: parsed.keyId };

    const peppers = await this.loadPeppers();
    const pepper = peppers.byVersion.get(found.key.hashVersion);
    if (!pepper || !secretMatches(parsed.secret, pepper, found.key.hash)) {
      return { result: 'unknown', keyId: parsed.keyId };
    }
    const state = keyState(found.key, now);
    if (state !== 'active') return { result: state, keyId: parsed.keyId };
    this.touch(found.key.keyId, now);
    return { result: 'valid', ...found };
  }

  /** Drops cached records (tests, and admin actions within the same process). */
  forget(keyId?: string) {
    if (keyId) this.cache.delete(keyId);
    else this.cache.clear();
  }

  private async lookup(keyId: string, nowMs: number) {
    const cached = this.cache.get(keyId);
    if (cached && cached.expires > nowMs) return cached.found;
    const key = await this.keys.getKey(keyId);
    const client = key ? await this.keys.getClient(key.clientId) : undefined;
    const found = key && client ? { key, client } : undefined;
    this.cache.set(keyId, { expires: nowMs + (found ? this.cacheTtlMs : this.negativeTtlMs), found });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return found;
  }

  private loadPeppers(): Promise<Peppers> {
    this.peppers ??= this.pepperSource.load().catch((error: unknown) => {
      this.peppers = undefined;
      throw error;
    });
    return this.peppers;
  }

  /** lastUsedAt at most once a minute per key; never blocks or fails the request. */
  private touch(keyId: string, now: Date) {
    const last = this.lastTouched.get(keyId) ?? 0;
    if (now.getTime() - last < this.touchIntervalMs) return;
    this.lastTouched.set(keyId, now.getTime());
    const notBefore = new Date(now.getTime() - this.touchIntervalMs).toISOString();
    this.keys.touchKey(keyId, now.toISOString(), notBefore).catch(() => this.lastTouched.delete(keyId));
  }
}
