import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-s3';
import type { AwsStub } from 'aws-sdk-client-mock';

/**
 * Answers an S3 client's PutObject/ListObjectsV2/GetObject from a local directory, the way S3 would: keys in
 * UTF-8 byte order, at most `MaxKeys` (≤ 1000) per page with a continuation token, LastModified to
 * the second, NoSuchKey for a missing object. The local artifact store uses the bucket's key layout,
 * so a local data dir's `artifacts/` reads as the bucket.
 */
export function serveBucketFromDir(
  s3: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>,
  bucket: string,
  root: string,
  opts: { pageSize?: number } = {},
) {
  const keysUnder = async (): Promise<string[]> => {
    const out: string[] = [];
    const walk = async (dir: string) => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const full = join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else out.push(relative(root, full).split(sep).join('/'));
      }
    };
    await walk(root);
    return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  };
  s3.on(ListObjectsV2Command).callsFake(async (input: ListObjectsV2Command['input']) => {
    if (input.Bucket !== bucket) throw new Error(`unexpected bucket ${input.Bucket}`);
    const all = (await keysUnder()).filter((k) => k.startsWith(input.Prefix ?? ''));
    const start = input.ContinuationToken
      ? Number(Buffer.from(input.ContinuationToken, 'base64').toString())
      : 0;
    const size = Math.min(input.MaxKeys ?? 1000, opts.pageSize ?? 1000);
    const page = all.slice(start, start + size);
    const truncated = start + size < all.length;
    return {
      IsTruncated: truncated,
      KeyCount: page.length,
      ...(truncated && { NextContinuationToken: Buffer.from(String(start + size)).toString('base64') }),
      Contents: await Promise.all(
        page.map(async (Key) => {
          const info = await stat(join(root, Key));
          return { Key, Size: info.size, LastModified: new Date(Math.floor(info.mtimeMs / 1000) * 1000) };
        }),
      ),
    };
  });
  s3.on(GetObjectCommand).callsFake(async (input: GetObjectCommand['input']) => {
    const body = await readFile(join(root, input.Key ?? '')).catch(() => undefined);
    if (input.Bucket !== bucket || !body)
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: { transformToByteArray: async () => new Uint8Array(body) }, ContentLength: body.length };
  });
  s3.on(PutObjectCommand).callsFake(async (input: PutObjectCommand['input']) => {
    if (input.Bucket !== bucket) throw new Error(`unexpected bucket ${input.Bucket}`);
    const file = join(root, input.Key ?? '');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, input.Body as string | Uint8Array);
    return { ETag: '"etag"', ServerSideEncryption: input.ServerSideEncryption };
  });
}
