#!/usr/bin/env node
// The `agenticai` CLI: the compiled build when it is current, the TypeScript sources otherwise.
import { launch } from './launch.mjs';

await launch('cli', 'src/entry/cli.ts');
