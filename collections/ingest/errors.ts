// A fatal ingestion error: the run stops and nothing replaces the served data. The message names
// the file or URL at fault, so the CLI prints it as is.
export class IngestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestError';
  }
}
