import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRequirementsMarkdown } from '../../src/readiness/render-requirements.ts';
import { REQUIREMENT_GROUPS, REQUIREMENTS } from '../../src/readiness/requirements.ts';

const root = resolve(import.meta.dirname, '../..');

describe('requirements, one source', () => {
  it('docs/REQUIREMENTS.md is current: regenerate it with npm run docs', () => {
    expect(readFileSync(join(root, 'docs/REQUIREMENTS.md'), 'utf8')).toBe(renderRequirementsMarkdown());
  });

  it('IDs are unique and numbered without gaps, group by group as specified', () => {
    const ids = REQUIREMENTS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const counts = Object.fromEntries(REQUIREMENT_GROUPS.map((g) => [g.id, g.requirements.length]));
    expect(counts).toEqual({
      R1: 5,
      R2: 7,
      R3: 5,
      R4: 5,
      R5: 5,
      R6: 5,
      R7: 5,
      R8: 6,
      R9: 5,
      R10: 6,
      R11: 5,
      R12: 5,
      C: 16,
    });
    for (const group of REQUIREMENT_GROUPS) {
      group.requirements.forEach((r, i) => {
        expect(r.id).toBe(group.id === 'C' ? `C${i + 1}` : `${group.id}.${i + 1}`);
      });
    }
  });

  it('every "where" names a file or directory of the repository; built requirements name at least one', () => {
    for (const r of REQUIREMENTS) {
      if (!r.notBuilt) expect(r.where.length, r.id).toBeGreaterThan(0);
      for (const where of r.where) {
        const path = where.split(' ')[0]!;
        expect(existsSync(join(root, path)), `${r.id}: ${path}`).toBe(true);
      }
    }
  });

  it('README links docs/REQUIREMENTS.md, and no document links outside the repository', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('](docs/REQUIREMENTS.md)');
    const docs = [
      'README.md',
      ...readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    for (const doc of docs) {
      const text = readFileSync(join(root, doc), 'utf8');
      const targets = [...text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((t) => !/^[a-z]+:/.test(t));
      for (const target of targets) {
        const inside = relative(root, resolve(dirname(join(root, doc)), target));
        expect(inside.startsWith('..'), `${doc} links ${target}`).toBe(false);
      }
      expect(text, doc).not.toMatch(/\.\.\/shared\/|SPEC\.md/);
    }
  });
});
