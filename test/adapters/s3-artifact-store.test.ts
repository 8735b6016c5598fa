import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { artifactKey, S3ArtifactStore } from '../../src/adapters/aws/s3-artifact-store.ts';

const s3 = mockClient(S3Client);
const store = new S3ArtifactStore(new S3Client({ region: 'us-east-1' }), 'bucket');
const when = new Date('2026-01-01T00:00:00Z');

beforeEach(() => s3.reset());

describe('S3ArtifactStore', () => {
  it('keys artifacts as projects/{clientId}/{projectId}/{stage}/{name}', () => {
    expect(artifactKey('c1', 'p1', 'pm', 'requirements.md')).toBe('projects/c1/p1/pm/requirements.md');
  });

  it('lists every page in stage order and ignores keys outside the layout', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      IsTruncated: true,
      NextContinuationToken: 't2',
      Contents: [
        { Key: 'projects/c1/p1/qa/review.md', Size: 5, LastModified: when },
        { Key: 'projects/c1/p1/nested/too/deep.md', Size: 1, LastModified: when },
      ],
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't2' }).resolves({
      IsTruncated: false,
      Contents: [{ Key: 'projects/c1/p1/pm/requirements.md', Size: 9, LastModified: when }],
    });
    const items = await store.list('c1', 'p1');
    expect(items.map((a) => `${a.stage}/${a.name}`)).toEqual(['pm/requirements.md', 'qa/review.md']);
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({
      Bucket: 'bucket',
      Prefix: 'projects/c1/p1/',
    });
  });

  it('reads an artifact by name from its stage folder; unknown names are undefined', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'projects/c1/p1/ops/deploy.md', Size: 7, LastModified: when }],
    });
    s3.on(GetObjectCommand, { Key: 'projects/c1/p1/ops/deploy.md' }).resolves({
      // The SDK's streaming body: only transformToByteArray is used.
      Body: { transformToByteArray: async () => new TextEncoder().encode('# Ops\n') } as never,
    });
    const found = await store.read('c1', 'p1', 'deploy.md');
    expect(found?.body.toString()).toBe('# Ops\n');
    expect(found?.artifact).toMatchObject({ stage: 'ops', contentType: 'text/markdown; charset=utf-8' });
    expect(await store.read('c1', 'p1', 'missing.md')).toBeUndefined();
  });
});
