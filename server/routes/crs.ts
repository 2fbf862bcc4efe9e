// OGC API – Features – Part 2 (CRS by reference): crs, bbox-crs, Content-Crs, collection crs lists.
import { InvalidParameterValue } from '../errors.js';
import { CRS84, CrsError, contentCrsHeader, isCrs84, isLonLatEquivalent, makeTransformer, parseCrs, SUPPORTED_CRS_URIS, transformRect, type CrsInfo } from '../crs/index.js';
import { compile } from '../cql2/index.js';
import { withNeeds, type FeaturePredicate, type Rect } from '../types.js';
import type { OpenApiContribution } from '../openapi.js';
import type { CollectionDecorator } from './collections.js';
import type { ItemsExtension } from './items.js';
import type { ApiPart } from '../part.js';

export const CRS_CONFORMANCE = ['http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs'];

function crsParameter(name: string, value: string | undefined): CrsInfo {
  if (value === undefined) return CRS84;
  try {
    return parseCrs(value);
  } catch (error) {
    if (error instanceof CrsError) throw new InvalidParameterValue(name, error.message);
    throw error;
  }
}

/**
 * A bbox is a rectangle in the CRS it is given in. The R-tree gets its CRS84 envelope (a superset);
 * this predicate keeps the features that intersect the rectangle itself, in that CRS.
 */
export function rectInCrs(rect: Rect, crs: CrsInfo): FeaturePredicate {
  const test = compile(
    { type: 'spatial', op: 's_intersects', left: { type: 'property', name: 'geometry' }, right: { type: 'bbox', bbox: [rect.minX, rect.minY, rect.maxX, rect.maxY] } },
    { properties: new Map(), featureTransform: makeTransformer(CRS84, crs) },
  );
  return withNeeds(test, [], true);
}

export const crsExtension: ItemsExtension = {
  parameters: ['crs', 'bbox-crs'],
  featureParameters: ['crs'],
  apply(params, collection, plan) {
    const crs = crsParameter('crs', params.crs);
    const bboxCrs = crsParameter('bbox-crs', params['bbox-crs']);
    if (plan.bbox && isLonLatEquivalent(bboxCrs)) {
      // EPSG:4326 arrives as minLat,minLon,maxLat,maxLon: transformRect reads a Rect in its CRS's
      // own axis order (here a swap), so the parsed numbers go through as they are.
      if (!isCrs84(bboxCrs)) plan.bbox = transformRect(plan.bbox, bboxCrs, CRS84);
      // A point is inside the box when the R-tree says so; a line or polygon may only have its
      // envelope there: the bbox keeps the features whose geometry intersects it (Part 1).
      if (collection.definition.geometryType !== 'Point' && plan.bbox.minX <= plan.bbox.maxX) plan.predicates.push(rectInCrs(plan.bbox, CRS84));
    } else if (plan.bbox) {
      try {
        plan.predicates.push(rectInCrs(plan.bbox, bboxCrs));
        plan.bbox = transformRect(plan.bbox, bboxCrs, CRS84);
      } catch (error) {
        if (error instanceof CrsError) throw new InvalidParameterValue('bbox', error.message);
        throw error;
      }
    }
    plan.headers['Content-Crs'] = contentCrsHeader(crs);
    if (!isCrs84(crs)) {
      const transform = makeTransformer(CRS84, crs);
      plan.shapers.push((f) => (f.geometry ? { ...f, geometry: transform(f.geometry) } : f));
    }
  },
};

export const crsDecorator: CollectionDecorator = (doc) => {
  doc.crs = SUPPORTED_CRS_URIS;
  doc.storageCrs = CRS84.uri;
};

export const crsOpenApi: OpenApiContribution = {
  itemsParameters: [
    { name: 'crs', in: 'query', description: 'SRS des géométries en sortie (URI OGC), par défaut CRS84', schema: { type: 'string', enum: SUPPORTED_CRS_URIS } },
    { name: 'bbox-crs', in: 'query', description: 'SRS du paramètre bbox (URI OGC), par défaut CRS84', schema: { type: 'string', enum: SUPPORTED_CRS_URIS } },
  ],
  featureParameters: [
    { name: 'crs', in: 'query', description: 'SRS de la géométrie en sortie (URI OGC)', schema: { type: 'string', enum: SUPPORTED_CRS_URIS } },
  ],
};

export const crsPart: ApiPart = { name: 'crs', conformance: CRS_CONFORMANCE, items: crsExtension, collection: crsDecorator, openapi: crsOpenApi };
