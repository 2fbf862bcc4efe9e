// Typed errors carrying their HTTP status and OGC exception code (pygeoapi-style).
export class OgcError extends Error {
  constructor(readonly status: number, readonly code: string, description: string, readonly headers: Record<string, string | string[]> = {}) {
    super(description);
  }
}

/** 400: a parameter has a wrong value; the description names the parameter. */
export class InvalidParameterValue extends OgcError {
  constructor(readonly parameter: string, description: string) {
    super(400, 'InvalidParameterValue', `Paramètre « ${parameter} » invalide : ${description}`);
  }
}

export class UnknownParameter extends OgcError {
  constructor(readonly parameter: string, allowed: string[]) {
    super(400, 'InvalidParameterValue', `Paramètre « ${parameter} » inconnu ; paramètres acceptés : ${allowed.join(', ')}`);
  }
}

export class NotFound extends OgcError {
  constructor(description: string) {
    super(404, 'NotFound', description);
  }
}

export class NotAcceptable extends OgcError {
  constructor(offered: string[]) {
    super(406, 'NotAcceptable', `Format non disponible ; formats proposés (paramètre « f » ou en-tête Accept) : ${offered.join(', ')}`);
  }
}

/** 503: a collection that exists but cannot be served now (its data file is missing, truncated or corrupt). */
export class ServiceUnavailable extends OgcError {
  constructor(description: string) {
    super(503, 'ServiceUnavailable', description, { 'Retry-After': '30' });
  }
}

/** 410: a paging link pinned to a data version that is no longer served (past its grace period). */
export class VersionGone extends OgcError {
  constructor(readonly version: string, readonly current: string | undefined) {
    super(410, 'VersionGone', `La version « ${version} » des données (paramètre « v ») n'est plus servie ; version actuelle : « ${current ?? 'aucune'} ». Reprenez la pagination depuis le début, sans « v ».`);
  }
}
