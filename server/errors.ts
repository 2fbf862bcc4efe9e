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
