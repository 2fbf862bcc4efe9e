// A data file that cannot be served as it is (truncated, corrupted, unreadable, changed under us).
// It carries the file for the log; HTTP answers name only the collection (never a server path).
export class DataFileError extends Error {
  constructor(readonly file: string, reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'DataFileError';
  }
}

/** Wraps any other error (I/O, decoding past a buffer) as a DataFileError of `file`. */
export function asDataFileError(file: string, error: unknown): DataFileError {
  if (error instanceof DataFileError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DataFileError(file, message, { cause: error });
}
