import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApiKeyRecord,
  describeKey,
  generateKey,
  hashSecret,
  keyState,
  parseKey,
  secretMatches,
} from '../../src/domain/api-key.ts';

describe('API key format', () => {
  it('R1.4 generates agk_<keyId>_<secret><checksum> in base62 that parses back', () => {
    const { key, keyId, secret } = generateKey();
    expect(key).toMatch(/^agk_[0-9A-Za-z]{16}_[0-9A-Za-z]{38}$/);
    expect(parseKey(key)).toEqual({ keyId, secret });
  });

  it('keys are unique', () => {
    const ids = new Set(Array.from({ length: 500 }, () => generateKey().keyId));
    expect(ids.size).toBe(500);
  });

  it('rejects any single-character change through the checksum', () => {
    const { key } = generateKey();
    for (let i = 4; i < key.length; i++) {
      if (key[i] === '_') continue;
      const replacement = key[i] === 'A' ? 'B' : 'A';
      expect(parseKey(key.slice(0, i) + replacement + key.slice(i + 1))).toBeUndefined();
    }
  });

  it('property: random strings are never accepted as keys', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => parseKey(s) === undefined));
    fc.assert(
      fc.property(fc.stringMatching(/^agk_[0-9A-Za-z]{16}_[0-9A-Za-z]{38}$/), (s) => {
        // A random well-formed string passes the CRC only by chance (1 in 2^32): a fixed seed keeps
        // that chance from ever failing a run, with the same 500 strings each time.
        return parseKey(s) === undefined;
      }),
      { numRuns: 500, seed: 19 },
    );
  });
});

describe('secret hashing', () => {
  const pepper = Buffer.from('pepper-for-tests-0123456789');

  it('R1.4 stores an HMAC, never the secret, and verifies in constant time', () => {
    const { secret } = generateKey();
    const hash = hashSecret(secret, pepper);
    expect(hash).not.toContain(secret);
    expect(secretMatches(secret, pepper, hash)).toBe(true);
    // A different last character: chosen from the secret itself, so it can never be the same one.
    const lastChanged = `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;
    expect(secretMatches(lastChanged, pepper, hash)).toBe(false);
    expect(secretMatches(secret, Buffer.from('another-pepper-0123456789'), hash)).toBe(false);
    expect(secretMatches(secret, pepper, 'short')).toBe(false);
  });
});

describe('key state', () => {
  const base: ApiKeyRecord = {
    keyId: 'k',
    clientId: 'c',
    name: 'n',
    status: 'active',
    hash: 'h',
    hashVersion: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  const now = new Date('2026-06-01T00:00:00.000Z');

  it('is revoked, expired (at the instant of expiry) or active', () => {
    expect(keyState({ ...base, status: 'revoked' }, now)).toBe('revoked');
    expect(keyState({ ...base, expiresAt: now.toISOString() }, now)).toBe('expired');
    expect(keyState({ ...base, expiresAt: '2026-06-01T00:00:01.000Z' }, now)).toBe('active');
    expect(keyState(base, now)).toBe('active');
  });

  it('the public description never includes the hash', () => {
    expect(describeKey(base, now)).not.toHaveProperty('hash');
    expect(JSON.stringify(describeKey(base, now))).not.toContain('hashVersion');
  });
});
