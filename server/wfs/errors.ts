// OWS 1.1 exceptions of the WFS facade: a code, a locator (the parameter at fault), an HTTP status.
import { xmlEscape } from './xml.js';

/** Statuses of OGC 06-121r9 (OWS Common 2.0) and WFS 2.0.2 Table 3. */
const STATUS: Record<string, number> = {
  MissingParameterValue: 400, InvalidParameterValue: 400, VersionNegotiationFailed: 400, OperationParsingFailed: 400,
  OperationProcessingFailed: 400, OptionNotSupported: 400, OperationNotSupported: 400, NotFound: 404, NoApplicableCode: 500,
};

export class WfsException extends Error {
  readonly status: number;
  constructor(readonly code: string, readonly locator: string | undefined, message: string) {
    super(message);
    this.status = STATUS[code] ?? 400;
  }
}

export const missing = (locator: string) => new WfsException('MissingParameterValue', locator, `Paramètre « ${locator} » manquant`);
export const invalid = (locator: string, why: string) => new WfsException('InvalidParameterValue', locator, `Paramètre « ${locator} » invalide : ${why}`);

export function exceptionReport(error: WfsException): string {
  const locator = error.locator ? ` locator="${xmlEscape(error.locator)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="2.0.0" xml:lang="fr" xsi:schemaLocation="http://www.opengis.net/ows/1.1 http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd">
  <ows:Exception exceptionCode="${xmlEscape(error.code)}"${locator}>
    <ows:ExceptionText>${xmlEscape(error.message)}</ows:ExceptionText>
  </ows:Exception>
</ows:ExceptionReport>
`;
}
