import type { Command } from 'commander';
import type { KeyAdmin } from '../../app/key-admin.ts';
import type { AdminTarget } from '../../composition/admin-target.ts';
import { CliError, EXIT } from '../errors.ts';
import type { GlobalOptions } from '../globals.ts';
import { type Output, table } from '../output.ts';
import { parseClientId, parseDuration, parseHourlyLimit, parseKeyId, parseName } from '../parse.ts';
import { actionWith } from '../run.ts';

// Loaded per command, so `--help` stays light (the store and the AWS SDK load only when used).
const openAdminTarget = async (globals: GlobalOptions) =>
  (await import('../../composition/admin-target.ts')).openAdminTarget(globals);

/** Runs an action with the key administration of the chosen target. */
function withAdmin<T extends unknown[]>(action: (admin: KeyAdmin, out: Output, ...args: T) => Promise<void>) {
  return actionWith<AdminTarget, T>(openAdminTarget, (target, out, ...args) =>
    action(target.keyAdmin, out, ...args),
  );
}

const when = (iso?: string) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-');

export function registerKeys(program: Command) {
  const keys = program.command('keys').description('create, list, rotate and revoke API keys');

  keys
    .command('create')
    .description('create an API key (the secret is printed once); without --client it gets a new client')
    .requiredOption('--name <name>', 'a label for the key (1-100 characters)', parseName)
    .option('--hourly-limit <n>', 'requests per UTC hour for the new client', parseHourlyLimit)
    .option('--expires <duration>', 'lifetime, e.g. 30d or 12h (default: no expiry)', parseDuration)
    .option('--client <clientId>', 'add the key to this existing client (shares its limit)', parseClientId)
    .option(
      '--canary',
      'a key of a new canary client: its canary projects skip quotas and the pipeline',
      false,
    )
    .option(
      '--store-secret <secretArn>',
      'put the key into this Secrets Manager secret (e.g. the canary key) instead of printing it',
    )
    .action(
      actionWith<
        AdminTarget,
        [
          {
            name: string;
            hourlyLimit?: number;
            expires?: number;
            client?: string;
            storeSecret?: string;
            canary: boolean;
          },
        ]
      >(openAdminTarget, async (target, out, opts) => {
        const admin = target.keyAdmin;
        if (opts.client && opts.hourlyLimit !== undefined) {
          throw new CliError(
            "--hourly-limit sets a new client's limit; for an existing client use: agenticai clients set-limit ID N",
            EXIT.usage,
          );
        }
        const created = await admin.createKey({
          name: opts.name,
          clientId: opts.client,
          hourlyLimit: opts.hourlyLimit,
          expiresInMs: opts.expires,
          canary: opts.canary,
        });
        if (opts.storeSecret) {
          // The secret goes straight to Secrets Manager and is never printed (CI logs, terminals).
          await target.storeSecret(opts.storeSecret, created.key);
          const { key: _key, ...shown } = created;
          out.print(
            `Created key ${created.keyId} for client ${created.clientId} and stored it in ${opts.storeSecret}.`,
            { ...shown, storedIn: opts.storeSecret },
          );
          return;
        }
        out.print(
          [
            `Created key ${created.keyId} for client ${created.clientId} (${created.hourlyLimit} requests/hour${created.expiresAt ? `, expires ${when(created.expiresAt)}` : ''}).`,
            '',
            `  ${created.key}`,
            '',
            'This secret is shown only once: store it now. Send it as the X-API-Key header.',
          ].join('\n'),
          created,
        );
      }),
    );

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .action(
      withAdmin<[]>(async (admin, out) => {
        const list = await admin.listKeys();
        out.print(
          list.length === 0
            ? 'No keys.'
            : table(
                ['key id', 'client', 'name', 'state', 'created', 'expires', 'last used'],
                list.map((k) => [
                  k.keyId,
                  k.clientId,
                  k.name,
                  k.state,
                  when(k.createdAt),
                  when(k.expiresAt),
                  when(k.lastUsedAt),
                ]),
              ),
          list,
        );
      }),
    );

  keys
    .command('show')
    .description('show one key')
    .argument('<keyId>', 'the key id', parseKeyId)
    .action(
      withAdmin<[string]>(async (admin, out, keyId) => {
        const key = await admin.showKey(keyId);
        out.print(
          Object.entries(key)
            .map(([k, v]) => `${k.padEnd(11)} ${v}`)
            .join('\n'),
          key,
        );
      }),
    );

  keys
    .command('rotate')
    .description('issue a replacement key for the same client; the old key expires after the grace period')
    .argument('<keyId>', 'the key to rotate', parseKeyId)
    .option('--grace <duration>', 'how long the old key keeps working', parseDuration, 24 * 3_600_000)
    .option(
      '--store-secret <secretArn>',
      'put the new key into this Secrets Manager secret (e.g. the canary key) instead of printing it',
    )
    .action(
      actionWith<AdminTarget, [string, { grace: number; storeSecret?: string }]>(
        openAdminTarget,
        async (target, out, keyId, opts) => {
          const rotated = await target.keyAdmin.rotateKey(keyId, opts.grace);
          if (opts.storeSecret) {
            // The canary (AWS and `canary run --env`) reads the new key on its next run.
            await target.storeSecret(opts.storeSecret, rotated.key);
            const { key: _key, ...shown } = rotated;
            out.print(
              `Rotated ${keyId} → ${rotated.keyId} and stored the new key in ${opts.storeSecret}; the old key stops working at ${when(rotated.previousKeyExpiresAt)}.`,
              { ...shown, storedIn: opts.storeSecret },
            );
            return;
          }
          out.print(
            [
              `Rotated ${keyId} → ${rotated.keyId} (client ${rotated.clientId}, same limit and quota).`,
              `The old key stops working at ${when(rotated.previousKeyExpiresAt)}.`,
              '',
              `  ${rotated.key}`,
              '',
              'This secret is shown only once: store it now.',
            ].join('\n'),
            rotated,
          );
        },
      ),
    );

  keys
    .command('revoke')
    .description('revoke a key (takes effect within the key cache TTL, 30 s by default)')
    .argument('<keyId>', 'the key to revoke', parseKeyId)
    .action(
      withAdmin<[string]>(async (admin, out, keyId) => {
        const revoked = await admin.revokeKey(keyId);
        out.print(
          revoked.alreadyRevoked
            ? `Key ${keyId} was already revoked at ${when(revoked.revokedAt)}.`
            : `Revoked key ${keyId}.`,
          revoked,
        );
      }),
    );
}

export function registerClients(program: Command) {
  const clients = program.command('clients').description('list clients and set their hourly limits');

  clients
    .command('list')
    .description('list clients')
    .action(
      withAdmin<[]>(async (admin, out) => {
        const list = await admin.listClients();
        out.print(
          list.length === 0
            ? 'No clients.'
            : table(
                ['client', 'name', 'hourly limit', 'created'],
                list.map((c) => [c.clientId, c.name, String(c.hourlyLimit), when(c.createdAt)]),
              ),
          list,
        );
      }),
    );

  clients
    .command('show')
    .description('show a client and its keys')
    .argument('<clientId>', 'the client id', parseClientId)
    .action(
      withAdmin<[string]>(async (admin, out, clientId) => {
        const client = await admin.showClient(clientId);
        out.print(
          [
            `client       ${client.clientId}`,
            `name         ${client.name}`,
            `hourly limit ${client.hourlyLimit}`,
            `created      ${when(client.createdAt)}`,
            `keys         ${client.keys.map((k) => `${k.keyId} (${k.state})`).join(', ') || '-'}`,
          ].join('\n'),
          client,
        );
      }),
    );

  clients
    .command('set-limit')
    .description("set a client's requests per UTC hour (shared by all its keys)")
    .argument('<clientId>', 'the client id', parseClientId)
    .argument('<limit>', 'requests per hour', parseHourlyLimit)
    .action(
      withAdmin<[string, number]>(async (admin, out, clientId, limit) => {
        const result = await admin.setClientLimit(clientId, limit);
        out.print(
          `Client ${clientId} may now make ${limit} requests per hour (within the key cache TTL).`,
          result,
        );
      }),
    );
}
