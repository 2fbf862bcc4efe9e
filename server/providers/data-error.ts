// A data file that cannot be served as it is (truncated, corrupted, unreadable, changed under us).
// It carries the file for the log; HTTP answers name only the collection (never a server path).
import { OgcError } from '../errors.js';

export class DataFileError extends Error {
  constructor(readonly file: string, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'DataFileError';
  }
}

/**
 * Wraps any other error (I/O, decoding past a buffer) as a DataFileError of `file`. Errors that
 * already carry their answer pass through: storage slow or down (503/504) is not a damaged file.
 */
export function asDataFileError(file: string, error: unknown): Error {
  if (error instanceof DataFileError || error instanceof OgcError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DataFileError(file, message, { cause: error });
}
