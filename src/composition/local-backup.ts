import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  paginateScan,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  ensureTables,
  localDynamoClient,
  lockDataDir,
  startEmbeddedStore,
} from '../adapters/local/embedded-dynamo.ts';
import type { RuntimeConfig } from '../config.ts';
import { VERSION } from '../version.ts';
import { LOCAL_ARTIFACTS_DIR, localQueueTableName, openLocalStores, privateDataDir } from './local-stores.ts';

// Local mode's backups (R7.5): the store exported through its API, not LevelDB's files copied
// mid-write; the artifacts and the pepper copied file by file. docs/RECOVERY.md describes them.

export const BACKUPS_DIR = 'backups';
const MANIFEST = 'manifest.json';
const STORE_EXPORT = 'store.jsonl';
const PEPPER = 'pepper.json';
const MANIFEST_FORMAT = 1;
/** BatchWriteItem's limit. */
const BATCH = 25;

export type TableRole = 'data' | 'counters' | 'queues';
const ROLES: readonly TableRole[] = ['data', 'counters', 'queues'];

export interface BackupFile {
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: number;
  createdAt: string;
  version: string;
  source: string;
  tables: Record<TableRole, { name: string; items: number }>;
  artifacts: number;
  bytes: number;
  files: BackupFile[];
}

/** A backup or restore problem the user can act on (the CLI turns it into exit 1). */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

const tableNames = (config: RuntimeConfig): Record<TableRole, string> => ({
  data: config.dataTableName,
  counters: config.countersTableName,
  queues: localQueueTableName(config),
});

/** `2026-11-23T07-35-15-123Z`: sortable, and valid as a directory name everywhere. */
export const backupId = (at: Date) => at.toISOString().replace(/[:.]/g, '-');

// JSON has no bytes: binary attributes travel as base64, so the export is lossless.
type Encoded = Record<string, unknown>;
function encode(value: AttributeValue): Encoded {
  if (value.B) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M) return { M: mapValues(value.M, encode) };
  if (value.L) return { L: value.L.map(encode) };
  return value as unknown as Encoded;
}
function decode(value: Encoded): AttributeValue {
  if (typeof value.B === 'string') return { B: Buffer.from(value.B, 'base64') };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map((b) => Buffer.from(b, 'base64')) };
  if (value.M) return { M: mapValues(value.M as Record<string, Encoded>, decode) };
  if (Array.isArray(value.L)) return { L: (value.L as Encoded[]).map(decode) };
  return value as unknown as AttributeValue;
}
function mapValues<A, B>(record: Record<string, A>, f: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `dir` (recursively), relative to it; `.`-files are writes under way (temp + rename). */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push(relative(dir, path));
    }
  };
  await walk(dir);
  return found;
}

/**
 * Copies one file, keeping its modification time (an artifact's `createdAt` is its mtime), and
 * returns its size and hash; undefined when it vanished meanwhile (a project deleted mid-backup).
 */
async function copyFileKeepingTime(from: string, to: string): Promise<BackupFile | undefined> {
  let body: Buffer;
  let mtime: Date;
  try {
    body = await readFile(from);
    mtime = (await stat(from)).mtime;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  await writeFile(to, body, { mode: 0o600 });
  await utimes(to, mtime, mtime);
  return { path: '', size: body.length, sha256: createHash('sha256').update(body).digest('hex') };
}

async function scanTable(client: DynamoDBClient, table: string, emit: (item: Encoded) => Promise<void>) {
  let count = 0;
  for await (const page of paginateScan({ client }, { TableName: table, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      await emit(mapValues(item, encode));
      count++;
    }
  }
  return count;
}

/**
 * Backs up the data dir while the server may be running, through its store. The store is exported
 * before the artifacts are copied: a stage records its artifacts after writing them, so every
 * artifact the exported records mention is on disk by the time the copy starts. Each item is
 * consistent; the export as a whole is not one instant (a project running meanwhile is captured
 * part-way, with its queue messages, and resumes after a restore).
 */
export async function createBackup(
  config: RuntimeConfig,
  opts: { to?: string; now?: Date } = {},
): Promise<{ dir: string; manifest: BackupManifest }> {
  const createdAt = opts.now ?? new Date();
  const target = resolve(opts.to ?? join(config.dataDir, BACKUPS_DIR, backupId(createdAt)));
  if (await exists(target)) {
    if (!opts.to || (await readdir(target)).length > 0)
      throw new BackupError(
        `${target} already exists and is not empty${opts.to ? '; choose another --to' : ''}`,
      );
  }
  // Written beside its final place and renamed when complete: `backup list` never shows half a backup.
  const partial = `${target}.partial-${randomUUID()}`;
  await mkdir(partial, { recursive: true, mode: 0o700 });
  const stores = await openLocalStores(config, { shared: true });
  const client = localDynamoClient(stores.store.endpoint);
  try {
    const names = tableNames(config);
    const files: BackupFile[] = [];
    const tables = {} as BackupManifest['tables'];
    const exportPath = join(partial, STORE_EXPORT);
    const out = createWriteStream(exportPath, { mode: 0o600 });
    const hash = createHash('sha256');
    let size = 0;
    const write = (line: string) =>
      new Promise<void>((done, fail) => {
        hash.update(line);
        size += Buffer.byteLength(line);
        out.write(line, (error) => (error ? fail(error) : done()));
      });
    try {
      for (const role of ROLES) {
        const items = await scanTable(client, names[role], (item) =>
          write(`${JSON.stringify({ table: role, item })}\n`),
        );
        tables[role] = { name: names[role], items };
      }
    } finally {
      await new Promise<void>((done) => out.end(done));
    }
    files.push({ path: STORE_EXPORT, size, sha256: hash.digest('hex') });

    const pepper = await copyFileKeepingTime(join(config.dataDir, PEPPER), join(partial, PEPPER));
    if (pepper) files.push({ ...pepper, path: PEPPER });
    let artifacts = 0;
    for (const rel of await filesUnder(join(config.dataDir, LOCAL_ARTIFACTS_DIR))) {
      const path = join(LOCAL_ARTIFACTS_DIR, rel);
      const copied = await copyFileKeepingTime(join(config.dataDir, path), join(partial, path));
      if (!copied) continue;
      files.push({ ...copied, path: path.split(sep).join('/') });
      artifacts++;
    }
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      createdAt: createdAt.toISOString(),
      version: VERSION,
      source: resolve(config.dataDir),
      tables,
      artifacts,
      bytes: files.reduce((sum, f) => sum + f.size, 0),
      files,
    };
    await writeFile(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    if (await exists(target)) await rm(target, { recursive: true }); // the empty --to directory
    await rename(partial, target);
    return { dir: target, manifest };
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    client.destroy();
    await stores.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new BackupError(`${dir} is not a backup (no ${MANIFEST})`);
    throw error;
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
  } catch {
    throw new BackupError(`${join(dir, MANIFEST)} is not valid JSON`);
  }
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.files) || !manifest.tables)
    throw new BackupError(`${join(dir, MANIFEST)} is not a backup manifest this version reads`);
  return manifest;
}

/** The backups under `<dataDir>/backups` (or `dir`), oldest first; partial ones are not listed. */
export async function listBackups(
  config: RuntimeConfig,
  dir?: string,
): Promise<{ id: string; dir: string; manifest: BackupManifest }[]> {
  const root = resolve(dir ?? join(config.dataDir, BACKUPS_DIR));
  const names = await readdir(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const found = [];
  for (const name of names.sort()) {
    if (name.includes('.partial-')) continue;
    try {
      found.push({ id: name, dir: join(root, name), manifest: await readManifest(join(root, name)) });
    } catch (error) {
      if (!(error instanceof BackupError)) throw error;
    }
  }
  return found;
}

/** Resolves `backup restore <backup>`: a directory, or the id of a backup under `<dataDir>/backups`. */
export async function resolveBackup(config: RuntimeConfig, ref: string): Promise<string> {
  const asId = join(config.dataDir, BACKUPS_DIR, ref);
  if (!ref.includes('/') && !ref.includes(sep) && (await exists(asId))) return resolve(asId);
  return resolve(ref);
}

async function verify(dir: string, manifest: BackupManifest): Promise<void> {
  for (const file of manifest.files) {
    const path = resolve(dir, file.path);
    if (!path.startsWith(`${resolve(dir)}${sep}`))
      throw new BackupError(`the manifest names a file outside the backup: ${file.path}`);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new BackupError(`the backup is incomplete: ${file.path} is missing`);
      throw error;
    }
    if (size !== file.size || (await sha256Of(path)) !== file.sha256)
      throw new BackupError(`the backup is damaged: ${file.path} does not match its sha256 in the manifest`);
  }
}

async function importStore(endpoint: string, config: RuntimeConfig, exportPath: string) {
  const names = tableNames(config);
  const client = localDynamoClient(endpoint);
  const counts: Record<TableRole, number> = { data: 0, counters: 0, queues: 0 };
  const pending: Record<TableRole, WriteRequest[]> = { data: [], counters: [], queues: [] };
  const flush = async (role: TableRole) => {
    let requests = pending[role];
    pending[role] = [];
    while (requests.length > 0) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [names[role]]: requests } }));
      requests = out.UnprocessedItems?.[names[role]] ?? [];
    }
  };
  try {
    const lines = createInterface({
      input: createReadStream(exportPath),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      if (!line) continue;
      const { table, item } = JSON.parse(line) as { table: TableRole; item: Record<string, Encoded> };
      if (!ROLES.includes(table)) throw new BackupError(`the store export names an unknown table: ${table}`);
      pending[table].push({ PutRequest: { Item: mapValues(item, decode) } });
      counts[table]++;
      if (pending[table].length === BATCH) await flush(table);
    }
    for (const role of ROLES) await flush(role);
    return counts;
  } finally {
    client.destroy();
  }
}

/**
 * Restores a backup into the data dir. Refuses while a server (or another command) holds the data
 * dir. Builds the restored data dir beside it and swaps it in by rename, so a failure leaves the
 * current data dir as it was; the replaced data dir is kept (returned) rather than deleted.
 */
export async function restoreBackup(
  config: RuntimeConfig,
  backupDir: string,
  opts: { now?: Date } = {},
): Promise<{ manifest: BackupManifest; replaced?: string }> {
  const manifest = await readManifest(backupDir);
  await verify(backupDir, manifest);
  const dataDir = resolve(config.dataDir);
  const hadDataDir = await exists(dataDir);
  const lock = hadDataDir ? await lockDataDir(dataDir) : undefined;
  if (hadDataDir && !lock)
    throw new BackupError(
      `the data dir ${dataDir} is in use (a running server or another agenticai command); stop the server, then restore`,
    );
  const building = `${dataDir}.restoring-${randomUUID()}`;
  try {
    await privateDataDir(building, { deep: false });
    const store = await startEmbeddedStore({ dataDir: building });
    try {
      await ensureTables(store.endpoint, {
        data: config.dataTableName,
        counters: config.countersTableName,
        queues: localQueueTableName(config),
      });
      const counts = await importStore(store.endpoint, config, join(backupDir, STORE_EXPORT));
      for (const role of ROLES)
        if (counts[role] !== manifest.tables[role].items)
          throw new BackupError(
            `the store export holds ${counts[role]} ${role} items, the manifest says ${manifest.tables[role].items}`,
          );
    } finally {
      await store.close();
    }
    for (const file of manifest.files) {
      if (file.path === STORE_EXPORT) continue;
      await copyFileKeepingTime(join(backupDir, file.path), join(building, file.path));
    }
    // The swap: the current data dir moves aside (kept, with its backups moved into the new one).
    let replaced: string | undefined;
    if (hadDataDir) {
      replaced = `${dataDir}.replaced-${backupId(opts.now ?? new Date())}`;
      await rename(dataDir, replaced);
    }
    try {
      await rename(building, dataDir);
    } catch (error) {
      if (replaced) await rename(replaced, dataDir); // put the current data back
      throw error;
    }
    if (replaced && (await exists(join(replaced, BACKUPS_DIR))))
      await rename(join(replaced, BACKUPS_DIR), join(dataDir, BACKUPS_DIR));
    return { manifest, ...(replaced && { replaced }) };
  } catch (error) {
    await rm(building, { recursive: true, force: true });
    throw error;
  } finally {
    await lock?.close();
  }
}
