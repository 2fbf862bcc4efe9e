// A standard part (CRS, Filtering, Tiles, formats…) as one pluggable unit: its conformance
// classes, its routes, what it adds to items requests, collections and the OpenAPI document.
import type { Router } from 'express';
import type { ServerContext } from './context.js';
import type { Link } from './formats/geojson.js';
import type { OpenApiContribution } from './openapi.js';
import type { CollectionDecorator, ItemsExtension } from './query/extensions.js';

export interface ApiPart {
  name: string;
  conformance?: string[];
  /** Routes of its own, mounted before the core routes. */
  router?: (ctx: ServerContext) => Router;
  items?: ItemsExtension;
  collection?: CollectionDecorator;
  openapi?: OpenApiContribution;
  landingLinks?: (base: string) => Link[];
  /** A paragraph of the HTML landing page (already escaped), e.g. how to connect a client. */
  /** A paragraph for the HTML landing page: text and code pieces (escaped by the template). */
  landingNote?: (base: string, lang: 'fr' | 'en') => LandingNote;
}

/** One paragraph of the landing page, as pieces of text and of code (never markup). */
export type LandingNote = ({ text: string } | { code: string })[];
