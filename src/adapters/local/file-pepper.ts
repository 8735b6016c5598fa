import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePeppers } from '../../app/peppers.ts';
import type { PepperSource } from '../../app/ports.ts';

/**
 * Local mode keeps the key-hash pepper in `<dataDir>/pepper.json` (mode 0600), generated on first
 * use; AWS keeps it in Secrets Manager. Deleting the file invalidates every local key.
 */
export class FilePepperSource implements PepperSource {
  constructor(private readonly dataDir: string) {}

  async load() {
    const file = join(this.dataDir, 'pepper.json');
    try {
      return parsePeppers(await readFile(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(this.dataDir, { recursive: true });
    const doc = { current: 1, 1: randomBytes(32).toString('base64url') };
    try {
      // 'wx': if another process (the CLI, the server) created it first, use theirs.
      await writeFile(file, `${JSON.stringify(doc)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return parsePeppers(await readFile(file, 'utf8'));
  }
}
