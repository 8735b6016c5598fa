import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactStore } from '../../app/ports.ts';
import { contentTypeFor } from '../../domain/content-type.ts';
import { type Artifact, compareArtifacts, STAGES, type Stage } from '../../domain/project.ts';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Local artifacts under `<root>/projects/{clientId}/{projectId}/{stage}/{name}`: the same layout as
 * the S3 keys, so a local data dir reads like the bucket.
 */
export class FileArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  private dir(clientId: string, projectId: string, stage?: Stage) {
    const base = join(this.root, 'projects', clientId, projectId);
    return stage ? join(base, stage) : base;
  }

  async write(clientId: string, projectId: string, stage: Stage, name: string, body: string | Buffer) {
    if (!SAFE_NAME.test(name)) throw new Error(`unsafe artifact name: ${name}`);
    const dir = this.dir(clientId, projectId, stage);
    await mkdir(dir, { recursive: true });
    // Temp file + rename: a full disk or a crash leaves the old file or none, never half a file.
    // The temp name cannot pass SAFE_NAME, so list() and read() never see it.
    const temp = join(dir, `.${name}.${randomUUID()}.tmp`);
    try {
      await writeFile(temp, body);
      await rename(temp, join(dir, name));
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw error;
    }
  }

  async list(clientId: string, projectId: string): Promise<Artifact[]> {
    const artifacts: Artifact[] = [];
    for (const stage of STAGES) {
      const dir = this.dir(clientId, projectId, stage);
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      // Temp files of writes under way are not artifacts (SAFE_NAME never matches them).
      for (const name of names.filter((n) => SAFE_NAME.test(n))) {
        const info = await stat(join(dir, name));
        artifacts.push({
          name,
          stage,
          contentType: contentTypeFor(name),
          size: info.size,
          createdAt: info.mtime.toISOString(),
        });
      }
    }
    return artifacts.sort(compareArtifacts);
  }

  async read(clientId: string, projectId: string, name: string) {
    if (!SAFE_NAME.test(name)) return undefined;
    const artifact = (await this.list(clientId, projectId)).find((a) => a.name === name);
    if (!artifact) return undefined;
    const body = await readFile(join(this.dir(clientId, projectId, artifact.stage), name));
    return { artifact, body };
  }
}
