#!/usr/bin/env node
// `npm start`: the local server, from the compiled build when it is current, else from the sources.
import { launch } from './launch.mjs';

await launch('server', 'src/entry/server.ts');
