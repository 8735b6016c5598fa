/**
 * Fixed rate-limit windows aligned to the UTC hour (R6.4). A window is named by its hour, so the
 * counter for a new hour is a new item and nothing has to be reset.
 */
export const WINDOW_SECONDS = 3600;

export interface RateWindow {
  /** e.g. `2026-11-23T01` */
  id: string;
  /** Epoch seconds of the window's first instant. */
  start: number;
  /** Epoch seconds when the window ends (the next one starts): X-RateLimit-Reset. */
  end: number;
}

export function windowAt(now: Date): RateWindow {
  const seconds = Math.floor(now.getTime() / 1000);
  const start = seconds - (seconds % WINDOW_SECONDS);
  return { id: new Date(start * 1000).toISOString().slice(0, 13), start, end: start + WINDOW_SECONDS };
}

export function secondsUntilReset(window: RateWindow, now: Date): number {
  return Math.max(1, window.end - Math.floor(now.getTime() / 1000));
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Undefined when the counter could not be read (fail-open). */
  remaining?: number;
  window: RateWindow;
}

/** The rate-limit response headers: the X-RateLimit-* set (R6.3) and the IETF draft fields. */
export function rateLimitHeaders(decision: RateDecision, now: Date): Record<string, string> {
  const reset = secondsUntilReset(decision.window, now);
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Reset': String(decision.window.end),
    'RateLimit-Policy': `"hourly";q=${decision.limit};w=${WINDOW_SECONDS}`,
  };
  if (decision.remaining !== undefined) {
    headers['X-RateLimit-Remaining'] = String(decision.remaining);
    headers.RateLimit = `"hourly";r=${decision.remaining};t=${reset}`;
  }
  if (!decision.allowed) headers['Retry-After'] = String(reset);
  return headers;
}
