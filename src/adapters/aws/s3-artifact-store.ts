import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ArtifactStore, BlobWriter } from '../../app/ports.ts';
import { contentTypeFor } from '../../domain/content-type.ts';
import { type Artifact, compareArtifacts, STAGES, type Stage } from '../../domain/project.ts';

/** S3 key of an artifact: `projects/{clientId}/{projectId}/{stage}/{name}`. */
export function artifactKey(clientId: string, projectId: string, stage: Stage, name: string): string {
  return `projects/${clientId}/${projectId}/${stage}/${name}`;
}

export class S3ArtifactStore implements ArtifactStore, BlobWriter {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async list(clientId: string, projectId: string): Promise<Artifact[]> {
    const prefix = `projects/${clientId}/${projectId}/`;
    const artifacts: Artifact[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const [stage, name, ...rest] = (object.Key ?? '').slice(prefix.length).split('/');
        if (!name || rest.length > 0 || !STAGES.includes(stage as Stage)) continue;
        artifacts.push({
          name,
          stage: stage as Stage,
          contentType: contentTypeFor(name),
          size: object.Size ?? 0,
          createdAt: (object.LastModified ?? new Date(0)).toISOString(),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return artifacts.sort(compareArtifacts);
  }

  async write(clientId: string, projectId: string, stage: Stage, name: string, body: string) {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: artifactKey(clientId, projectId, stage, name),
        Body: body,
        ContentType: contentTypeFor(name),
        // The bucket's default is KMS too; saying it here keeps a misconfigured bucket from storing plaintext.
        ServerSideEncryption: 'aws:kms',
      }),
    );
  }

  async read(clientId: string, projectId: string, name: string) {
    const artifact = (await this.list(clientId, projectId)).find((a) => a.name === name);
    if (!artifact) return undefined;
    const object = await this.s3.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: artifactKey(clientId, projectId, artifact.stage, name),
      }),
    );
    const body = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
    return { artifact, body };
  }
}
