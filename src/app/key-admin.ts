import {
  type ApiKeyRecord,
  type ClientRecord,
  describeKey,
  generateKey,
  hashSecret,
  keyState,
  newClientId,
} from '../domain/api-key.ts';
import type { AuditLog, Clock, KeyRepository, PepperSource } from './ports.ts';

export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    message: string,
    readonly kind: 'not_found' | 'conflict' | 'invalid',
  ) {
    super(message);
  }
}

export interface CreatedKey {
  keyId: string;
  /** The full secret key: shown once, never stored. */
  key: string;
  clientId: string;
  name: string;
  hourlyLimit: number;
  expiresAt?: string;
}

/** Administration of clients and API keys (the `agenticai keys|clients` commands). Every change is audited. */
export class KeyAdmin {
  constructor(
    private readonly repo: KeyRepository,
    private readonly peppers: PepperSource,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly defaultHourlyLimit: number,
    private readonly actor: string,
  ) {}

  async createKey(opts: {
    name: string;
    clientId?: string;
    hourlyLimit?: number;
    expiresInMs?: number;
    /** A new canary client (refused with `clientId`: an existing client never becomes one). */
    canary?: boolean;
  }): Promise<CreatedKey> {
    const now = this.clock.now();
    let client: ClientRecord | undefined;
    if (opts.clientId && opts.canary) {
      throw new AdminError('a canary key gets its own new client; omit --client', 'invalid');
    }
    if (opts.clientId) {
      client = await this.repo.getClient(opts.clientId);
      if (!client) throw new AdminError(`client ${opts.clientId} does not exist`, 'not_found');
    } else {
      client = {
        clientId: newClientId(),
        name: opts.name,
        hourlyLimit: opts.hourlyLimit ?? this.defaultHourlyLimit,
        createdAt: now.toISOString(),
        ...(opts.canary && { canary: true }),
      };
      await this.repo.putClient(client);
      await this.audit.record({
        action: 'client.create',
        actor: this.actor,
        target: client.clientId,
        details: { hourlyLimit: client.hourlyLimit, ...(client.canary && { canary: true }) },
      });
    }
    const expiresAt =
      opts.expiresInMs === undefined ? undefined : new Date(now.getTime() + opts.expiresInMs).toISOString();
    const created = await this.mintKey(client, opts.name, now, expiresAt);
    await this.audit.record({
      action: 'key.create',
      actor: this.actor,
      target: created.keyId,
      details: { clientId: client.clientId, expiresAt },
    });
    return created;
  }

  async listKeys() {
    const now = this.clock.now();
    const keys = (await this.repo.listKeys()).map((k) => describeKey(k, now));
    await this.audit.record({ action: 'key.list', actor: this.actor, target: '*' });
    return keys;
  }

  async showKey(keyId: string) {
    const key = await this.requireKey(keyId);
    await this.audit.record({ action: 'key.show', actor: this.actor, target: keyId });
    return describeKey(key, this.clock.now());
  }

  /**
   * A new key for the same client (same limit and counter); the old key keeps working for `graceMs`
   * and then expires. Refuses keys that are already revoked or expired.
   */
  async rotateKey(keyId: string, graceMs: number) {
    const now = this.clock.now();
    const old = await this.requireKey(keyId);
    const state = keyState(old, now);
    if (state !== 'active')
      throw new AdminError(`key ${keyId} is ${state} and cannot be rotated; create a new key`, 'conflict');
    const client = await this.repo.getClient(old.clientId);
    if (!client) throw new AdminError(`client ${old.clientId} of key ${keyId} no longer exists`, 'not_found');

    // A key that had a lifetime passes the same lifetime on to its successor.
    const lifetime = old.expiresAt ? Date.parse(old.expiresAt) - Date.parse(old.createdAt) : undefined;
    const expiresAt = lifetime === undefined ? undefined : new Date(now.getTime() + lifetime).toISOString();
    const created = await this.mintKey(client, old.name, now, expiresAt);
    const graceEnd = new Date(now.getTime() + graceMs).toISOString();
    const oldExpiry = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
    const updated = await this.repo.updateKey(
      keyId,
      { expiresAt: oldExpiry, rotatedTo: created.keyId },
      { activeAt: now.toISOString() },
    );
    if (!updated)
      throw new AdminError(
        `key ${keyId} changed while rotating (revoked or expired); the new key ${created.keyId} exists`,
        'conflict',
      );
    await this.audit.record({
      action: 'key.rotate',
      actor: this.actor,
      target: keyId,
      details: { newKeyId: created.keyId, oldKeyExpiresAt: oldExpiry },
    });
    return { ...created, previousKeyId: keyId, previousKeyExpiresAt: oldExpiry };
  }

  async revokeKey(keyId: string) {
    const key = await this.requireKey(keyId);
    if (key.status === 'revoked') return { keyId, revokedAt: key.revokedAt!, alreadyRevoked: true };
    const revokedAt = this.clock.now().toISOString();
    await this.repo.updateKey(keyId, { status: 'revoked', revokedAt });
    await this.audit.record({ action: 'key.revoke', actor: this.actor, target: keyId });
    return { keyId, revokedAt, alreadyRevoked: false };
  }

  async listClients() {
    const clients = await this.repo.listClients();
    await this.audit.record({ action: 'client.list', actor: this.actor, target: '*' });
    return clients;
  }

  async showClient(clientId: string) {
    const client = await this.repo.getClient(clientId);
    if (!client) throw new AdminError(`client ${clientId} does not exist`, 'not_found');
    const now = this.clock.now();
    const keys = (await this.repo.listKeys())
      .filter((k) => k.clientId === clientId)
      .map((k) => describeKey(k, now));
    return { ...client, keys };
  }

  async setClientLimit(clientId: string, hourlyLimit: number) {
    if (!(await this.repo.setClientLimit(clientId, hourlyLimit))) {
      throw new AdminError(`client ${clientId} does not exist`, 'not_found');
    }
    await this.audit.record({
      action: 'client.set-limit',
      actor: this.actor,
      target: clientId,
      details: { hourlyLimit },
    });
    return { clientId, hourlyLimit };
  }

  hasAnyKey() {
    return this.repo.anyKeyExists();
  }

  private async requireKey(keyId: string): Promise<ApiKeyRecord> {
    const key = await this.repo.getKey(keyId);
    if (!key) throw new AdminError(`key ${keyId} does not exist`, 'not_found');
    return key;
  }

  private async mintKey(
    client: ClientRecord,
    name: string,
    now: Date,
    expiresAt?: string,
  ): Promise<CreatedKey> {
    const peppers = await this.peppers.load();
    const pepper = peppers.byVersion.get(peppers.current)!;
    for (;;) {
      const generated = generateKey();
      const record: ApiKeyRecord = {
        keyId: generated.keyId,
        clientId: client.clientId,
        name,
        status: 'active',
        hash: hashSecret(generated.secret, pepper),
        hashVersion: peppers.current,
        createdAt: now.toISOString(),
        ...(expiresAt && { expiresAt }),
      };
      // A keyId collision (2^95 space) is practically impossible; retrying keeps it impossible.
      if (await this.repo.putKey(record)) {
        return {
          keyId: generated.keyId,
          key: generated.key,
          clientId: client.clientId,
          name,
          hourlyLimit: client.hourlyLimit,
          ...(expiresAt && { expiresAt }),
        };
      }
    }
  }
}
