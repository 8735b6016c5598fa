import { buildDist } from '../../scripts/build.mjs';

/** Vitest global setup: compiles the CLI and the server, so tests spawn what users run. */
export default async function setup() {
  await buildDist();
}
