import { AppError } from './errors.ts';
import { isProjectId } from './ids.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Cursors carry only the last project id seen; the partition comes from the caller's own tenant,
 * so a cursor can never reach another client's data.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isProjectId(id))
    throw new AppError('invalid_cursor', 'cursor is not valid; use nextCursor from a previous page');
  return id;
}
