import { describe, expect, it, vi } from 'vitest';
import { Authenticator } from '../../src/app/authenticator.ts';
import type { KeyRepository, Peppers } from '../../src/app/ports.ts';
import { type ApiKeyRecord, type ClientRecord, generateKey, hashSecret } from '../../src/domain/api-key.ts';
import { manualClock } from '../support/local-app.ts';

const peppers: Peppers = {
  current: 2,
  byVersion: new Map([
    [1, Buffer.from('old-pepper-0123456789')],
    [2, Buffer.from('new-pepper-0123456789')],
  ]),
};
const client: ClientRecord = {
  clientId: 'c1',
  name: 'c',
  hourlyLimit: 10,
  createdAt: '2026-01-01T00:00:00Z',
};

function setup(version = 2) {
  const generated = generateKey();
  const record: ApiKeyRecord = {
    keyId: generated.keyId,
    clientId: 'c1',
    name: 'k',
    status: 'active',
    hash: hashSecret(generated.secret, peppers.byVersion.get(version)!),
    hashVersion: version,
    createdAt: '2026-01-01T00:00:00Z',
  };
  const keys = new Map([[record.keyId, record]]);
  const repo = {
    getKey: vi.fn(async (id: string) => keys.get(id)),
    getClient: vi.fn(async () => client),
    touchKey: vi.fn(async () => {}),
  } as unknown as KeyRepository & { getKey: ReturnType<typeof vi.fn>; touchKey: ReturnType<typeof vi.fn> };
  const clock = manualClock('2026-06-01T00:00:00Z');
  const auth = new Authenticator(repo, { load: async () => peppers }, clock, {
    cacheTtlMs: 30_000,
    negativeCacheTtlMs: 5_000,
  });
  return { generated, record, keys, repo, clock, auth };
}

describe('Authenticator', () => {
  it('R1.2 accepts a valid key and returns its client', async () => {
    const { auth, generated } = setup();
    expect(await auth.authenticate(generated.key)).toMatchObject({
      result: 'valid',
      client: { clientId: 'c1' },
    });
  });

  it('R1.1/R1.3 classifies missing and malformed keys without any store read', async () => {
    const { auth, repo, generated } = setup();
    expect(await auth.authenticate(undefined)).toEqual({ result: 'missing' });
    expect(await auth.authenticate('')).toEqual({ result: 'missing' });
    expect(await auth.authenticate('Bearer abc')).toEqual({ result: 'malformed' });
    // Last character changed (never to itself): the checksum no longer matches.
    const altered = `${generated.key.slice(0, -1)}${generated.key.endsWith('0') ? '1' : '0'}`;
    expect(await auth.authenticate(altered)).toEqual({ result: 'malformed' });
    expect(repo.getKey).not.toHaveBeenCalled();
  });

  it('R1.3 reports unknown, revoked and expired keys with their key id', async () => {
    const { auth, record, keys, generated, clock } = setup();
    const stranger = generateKey();
    expect(await auth.authenticate(stranger.key)).toEqual({ result: 'unknown', keyId: stranger.keyId });
    keys.set(record.keyId, { ...record, status: 'revoked' });
    auth.forget();
    expect(await auth.authenticate(generated.key)).toEqual({ result: 'revoked', keyId: record.keyId });
    keys.set(record.keyId, { ...record, expiresAt: clock.now().toISOString() });
    auth.forget();
    expect(await auth.authenticate(generated.key)).toEqual({ result: 'expired', keyId: record.keyId });
  });

  it('a right key id with a wrong secret is unknown', async () => {
    const { auth, record } = setup();
    const forged = generateKey();
    const body = `agk_${record.keyId}_${forged.secret}`;
    // Recompute the checksum for the forged body so it passes the format check.
    const { parseKey } = await import('../../src/domain/api-key.ts');
    const { crc32 } = await import('node:zlib');
    const B = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let n = crc32(body);
    let sum = '';
    for (let i = 0; i < 6; i++) {
      sum = B[n % 62] + sum;
      n = Math.floor(n / 62);
    }
    expect(parseKey(body + sum)).toBeDefined();
    expect(await auth.authenticate(body + sum)).toEqual({ result: 'unknown', keyId: record.keyId });
  });

  it('verifies keys hashed with an older pepper version (pepper rotation)', async () => {
    const { auth, generated } = setup(1);
    expect((await auth.authenticate(generated.key)).result).toBe('valid');
  });

  it('caches records for the TTL (the revocation delay) and unknown ids for the shorter negative TTL', async () => {
    const { auth, repo, generated, keys, record, clock } = setup();
    await auth.authenticate(generated.key);
    await auth.authenticate(generated.key);
    expect(repo.getKey).toHaveBeenCalledTimes(1);
    keys.set(record.keyId, { ...record, status: 'revoked' });
    clock.advance(29_000);
    expect((await auth.authenticate(generated.key)).result).toBe('valid');
    clock.advance(2_000);
    expect((await auth.authenticate(generated.key)).result).toBe('revoked');

    const later = generateKey();
    await auth.authenticate(later.key);
    keys.set(later.keyId, {
      ...record,
      keyId: later.keyId,
      status: 'active',
      hash: hashSecret(later.secret, peppers.byVersion.get(2)!),
    });
    expect((await auth.authenticate(later.key)).result).toBe('unknown');
    clock.advance(5_001);
    expect((await auth.authenticate(later.key)).result).toBe('valid');
  });

  it('records lastUsedAt at most once a minute per key', async () => {
    const { auth, repo, generated, clock } = setup();
    await auth.authenticate(generated.key);
    clock.advance(30_000);
    await auth.authenticate(generated.key);
    expect(repo.touchKey).toHaveBeenCalledTimes(1);
    clock.advance(31_000);
    await auth.authenticate(generated.key);
    expect(repo.touchKey).toHaveBeenCalledTimes(2);
  });

  it('propagates key store failures (the pipeline turns them into 503: fail closed)', async () => {
    const { auth, repo, generated } = setup();
    repo.getKey.mockRejectedValueOnce(new Error('store down'));
    await expect(auth.authenticate(generated.key)).rejects.toThrow('store down');
  });
});
