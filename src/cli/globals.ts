import type { AdminScope } from '../composition/admin.ts';

/** The options every command accepts (see createProgram). */
export interface GlobalOptions extends AdminScope {
  json: boolean;
}
