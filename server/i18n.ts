// Languages of the HTML pages: French by default, English when Accept-Language prefers it.
// A flat message catalogue is enough for a few dozen labels; JSON documents stay in French.
import type { Request, Response } from 'express';

export type Lang = 'fr' | 'en';
export const LANGS: Lang[] = ['fr', 'en'];

/** The best of fr/en by Accept-Language q-values (`en-GB` counts as `en`); fr when none is asked for. */
export function langOf(req: Request): Lang {
  const header = req.headers['accept-language'];
  if (!header) return 'fr';
  const ranges = header.split(',').map((part, order) => {
    const [tag, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, order };
  }).filter((r) => r.q > 0 && !Number.isNaN(r.q)).sort((a, b) => b.q - a.q || a.order - b.order);
  for (const r of ranges) {
    if (r.tag === '*') return 'fr';
    const primary = r.tag.split('-')[0] as Lang;
    if (LANGS.includes(primary)) return primary;
  }
  return 'fr';
}

/** HTML and negotiated representations depend on these request headers (shared caches must know). */
export function varyOnNegotiation(res: Response, html: boolean): void {
  res.vary('Accept');
  if (html) res.vary('Accept-Language');
}

const MESSAGES = {
  home: { fr: 'Accueil', en: 'Home' },
  skip: { fr: 'Aller au contenu', en: 'Skip to content' },
  breadcrumbs: { fr: "Fil d'Ariane", en: 'Breadcrumbs' },
  otherFormats: { fr: 'Autres formats :', en: 'Other formats:' },
  serviceName: { fr: 'Prélèvements en eau — OGC API', en: 'Water abstraction — OGC API' },
  collections: { fr: 'Collections', en: 'Collections' },
  links: { fr: 'Liens', en: 'Links' },
  apiDoc: { fr: "Documentation de l'API", en: 'API documentation' },
  apiJson: { fr: 'Document OpenAPI 3.0 (JSON)', en: 'OpenAPI 3.0 document (JSON)' },
  conformance: { fr: 'Conformité', en: 'Conformance' },
  conformanceClasses: { fr: 'Classes de conformité', en: 'Conformance classes' },
  map: { fr: 'Carte des tuiles vectorielles', en: 'Vector tile map' },
  mapOf: { fr: 'Carte : {0}', en: 'Map: {0}' },
  tiles: { fr: 'Tuiles vectorielles', en: 'Vector tiles' },
  features: { fr: 'Entités', en: 'Features' },
  featuresCount: { fr: '{0} entités', en: '{0} features' },
  noFeature: { fr: 'Aucune entité ne correspond.', en: 'No feature matches.' },
  noGeometry: { fr: 'Collection sans géométrie : pas de carte.', en: 'Collection without geometry: no map.' },
  title: { fr: 'Titre', en: 'Title' },
  identifier: { fr: 'Identifiant', en: 'Identifier' },
  description: { fr: 'Description', en: 'Description' },
  name: { fr: 'Nom', en: 'Name' },
  type: { fr: 'Type', en: 'Type' },
  values: { fr: 'Valeurs', en: 'Values' },
  value: { fr: 'Valeur', en: 'Value' },
  property: { fr: 'Propriété', en: 'Property' },
  queryables: { fr: 'Propriétés filtrables', en: 'Queryable properties' },
  queryablesJson: { fr: 'Propriétés filtrables (JSON Schema)', en: 'Queryables (JSON Schema)' },
  spatialExtent: { fr: 'Emprise spatiale', en: 'Spatial extent' },
  temporalExtent: { fr: 'Étendue temporelle', en: 'Temporal extent' },
  extentMap: { fr: "Carte de l'emprise de la collection", en: 'Map of the collection extent' },
  featuresMap: { fr: 'Carte des entités de la page', en: 'Map of the features on this page' },
  featureMap: { fr: "Carte de l'entité", en: 'Map of the feature' },
  open: { fr: 'ouvert', en: 'open' },
  browse: { fr: 'Parcourir les entités', en: 'Browse the features' },
  downloads: { fr: 'Téléchargements', en: 'Downloads' },
  downloadPage: { fr: 'Cette page', en: 'This page' },
  downloadAll: { fr: 'Toute la collection (un seul fichier, en flux)', en: 'The whole collection (one file, streamed)' },
  downloadFiltered: { fr: 'Tout le résultat filtré (sans limite)', en: 'The whole filtered result (no limit)' },
  format: { fr: 'Format', en: 'Format' },
  fmt_json: { fr: 'GeoJSON', en: 'GeoJSON' },
  fmt_html: { fr: 'HTML', en: 'HTML' },
  fmt_csv: { fr: 'CSV (séparateur ;)', en: 'CSV (; separated)' },
  fmt_fgb: { fr: 'FlatGeobuf', en: 'FlatGeobuf' },
  fmt_geojsonseq: { fr: 'Séquence GeoJSON (RFC 8142)', en: 'GeoJSON text sequence (RFC 8142)' },
  shown: { fr: 'Entités {0} à {1}', en: 'Features {0} to {1}' },
  of: { fr: 'sur {0}', en: 'of {0}' },
  next: { fr: 'Page suivante', en: 'Next page' },
  prev: { fr: 'Page précédente', en: 'Previous page' },
  paging: { fr: 'Pagination', en: 'Paging' },
  filter: { fr: 'Filtrer', en: 'Filter' },
  filterLegend: { fr: 'Conditions (toutes doivent être vraies)', en: 'Conditions (all must hold)' },
  addCondition: { fr: 'Ajouter une condition', en: 'Add a condition' },
  removeCondition: { fr: 'Retirer', en: 'Remove' },
  operator: { fr: 'Opérateur', en: 'Operator' },
  cql2: { fr: 'Filtre CQL2 (texte), construit par les conditions ou saisi', en: 'CQL2 filter (text), built from the conditions or typed' },
  bbox: { fr: 'Emprise (lon min, lat min, lon max, lat max)', en: 'Bounding box (min lon, min lat, max lon, max lat)' },
  drawBbox: { fr: "Tracer l'emprise sur la carte", en: 'Draw the box on the map' },
  drawHint: { fr: 'Cliquez-glissez sur la carte pour tracer l\'emprise (Échap pour annuler).', en: 'Click and drag on the map to draw the box (Escape cancels).' },
  viewBbox: { fr: 'Emprise de la vue de la carte', en: 'Use the map view' },
  datetime: { fr: 'Date ou intervalle (RFC 3339, .. pour ouvert)', en: 'Date or interval (RFC 3339, .. for open)' },
  limit: { fr: 'Entités par page', en: 'Features per page' },
  apply: { fr: 'Appliquer', en: 'Apply' },
  reset: { fr: 'Effacer', en: 'Clear' },
  feature: { fr: 'Entité {0}', en: 'Feature {0}' },
  properties: { fr: 'Propriétés', en: 'Properties' },
  bboxShown: { fr: "L'emprise demandée est tracée en pointillés.", en: 'The requested box is drawn dashed.' },
  tableCaption: { fr: 'Entités de la page (les {0} premières propriétés)', en: 'Features on this page (first {0} properties)' },
  clusters: { fr: 'regroupements (taille selon le nombre)', en: 'clusters (sized by count)' },
  legend: { fr: 'Légende', en: 'Legend' },
  tileMatrixSets: { fr: 'Jeux de matrices de tuiles', en: 'Tile matrix sets' },
  mediaType: { fr: 'Type de média', en: 'Media type' },
  sortables: { fr: 'Propriétés triables', en: 'Sortable properties' },
  featureSchema: { fr: 'Schéma des entités', en: 'Feature schema' },
  tileMatrix: { fr: 'Niveau', en: 'Tile matrix' },
  scaleDenominator: { fr: "Dénominateur d'échelle", en: 'Scale denominator' },
  cellSize: { fr: 'Taille de cellule', en: 'Cell size' },
  matrixSize: { fr: 'Tuiles (colonnes × lignes)', en: 'Tiles (columns × rows)' },
  tileset: { fr: 'Jeu de tuiles', en: 'Tileset' },
  layers: { fr: 'Couches', en: 'Layers' },
  limitsPerZoom: { fr: 'Tuiles couvertes par niveau', en: 'Tiles covered per level' },
  rows: { fr: 'Lignes', en: 'Rows' },
  columns: { fr: 'Colonnes', en: 'Columns' },
  tilesetLimits: { fr: 'Niveaux servis', en: 'Served zoom levels' },
  // Maps: selectors, choropleth legend, popups (issue 19).
  mapYear: { fr: 'Année', en: 'Year' },
  mapLatestYear: { fr: 'dernière année', en: 'latest year' },
  mapFeaturePage: { fr: 'Fiche complète', en: 'Full record' },
  mapZoomIn: { fr: 'Regroupement : zoomer pour voir les entités', en: 'Cluster: zoom in to see the features' },
  mapClasses: { fr: 'classes par quantiles des valeurs chargées', en: 'quantile classes of the loaded values' },
  mapSymbols: { fr: 'points, surface proportionnelle à {0}', en: 'points, area proportional to {0}' },
  mapNoValue: { fr: 'aucune valeur', en: 'no value' },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof MESSAGES;

/** The message in `lang`, `{0}`, `{1}`… replaced by the arguments. */
export function t(lang: Lang, key: MessageKey, ...args: (string | number)[]): string {
  return MESSAGES[key][lang].replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

/** A format's name for people, from its `f` value. */
export function formatLabel(lang: Lang, key: string): string {
  const known = ['json', 'html', 'csv', 'fgb', 'geojsonseq'] as const;
  const k = known.find((x) => x === key);
  return k ? t(lang, `fmt_${k}`) : key;
}

const MEDIA_FORMATS: Record<string, string> = {
  'application/geo+json': 'json', 'text/html': 'html', 'text/csv': 'csv', 'application/flatgeobuf': 'fgb', 'application/geo+json-seq': 'geojsonseq',
};

/** A media type's name for people (plain JSON and OpenAPI documents are "JSON"). */
export function mediaLabel(lang: Lang, type: string): string {
  const key = MEDIA_FORMATS[type.split(';')[0].trim()];
  if (key) return formatLabel(lang, key);
  return /json/.test(type) ? 'JSON' : type;
}

/** Numbers as each language writes them (1 234 or 1,234). */
export function formatNumber(lang: Lang, n: number): string {
  return n.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB');
}
