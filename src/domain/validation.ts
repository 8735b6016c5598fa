import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The validator of the runtime: zod/mini, the same engine and messages as classic zod at a fraction
 * of its bundle size and module-init time in the Lambda functions. Import it as a namespace
 * (`import * as z`) so the bundler keeps only what is used. zod/mini loads no locale by itself:
 * without English every default message would read "Invalid input".
 */
config(en());

export * from 'zod/mini';
