import { fail, pass, type TemplateCheck } from '../check.ts';
import { type Found, referencedIds, resourcesOf, type TemplateSet } from '../template-set.ts';

/** Buckets that hold data: every bucket that is not another bucket's access-log destination. */
export function dataBuckets(set: TemplateSet): Found[] {
  const buckets = resourcesOf(set, 'AWS::S3::Bucket');
  const logDestinations = new Set(
    buckets.flatMap((b) => referencedIds(b.props.LoggingConfiguration?.DestinationBucketName)),
  );
  return buckets.filter((b) => !logDestinations.has(b.logicalId));
}

export const artifactVersioning: TemplateCheck = {
  id: 'artifact-versioning',
  requirements: ['R7.2'],
  description: 'every data bucket (the artifact bucket) is versioned',
  run(set) {
    const buckets = dataBuckets(set);
    if (buckets.length === 0) return fail('no data bucket');
    const unversioned = buckets.filter((b) => b.props.VersioningConfiguration?.Status !== 'Enabled');
    return unversioned.length > 0
      ? fail(unversioned.map((b) => `${b.logicalId} is not versioned`).join('; '))
      : pass(`${buckets.map((b) => b.logicalId).join(', ')}: versioning Enabled`);
  },
};
