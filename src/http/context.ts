import type { Context } from 'hono';
import type { AuthResult } from '../app/authenticator.ts';

/** Values the pipeline stores on each request for later steps and the access log. */
export type HttpEnv = {
  Variables: {
    requestId: string;
    correlationId: string;
    startedAt: number;
    clientId?: string;
    keyId?: string;
    /** R1.5: how authentication went (`valid|missing|malformed|unknown|revoked|expired`), for the access line. */
    auth?: AuthResult['result'];
    /** The client may create canary projects (ClientRecord.canary). */
    canaryClient?: boolean;
  };
};

export type HttpContext = Context<HttpEnv>;

/**
 * What differs between the entry points (Lambda event vs Node socket), supplied by each.
 */
export interface EntryAdapter {
  /** The platform's own request id, when it has one (API Gateway's). */
  platformRequestId(c: HttpContext): string | undefined;
  sourceIp(c: HttpContext): string | undefined;
}
