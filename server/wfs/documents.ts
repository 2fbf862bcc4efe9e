// The service's descriptive documents: GetCapabilities, DescribeFeatureType (an XML Schema of the
// caller's types), ListStoredQueries and DescribeStoredQueries.
import type { ServedCollection } from '../catalog.js';
import type { PropertyDefinition } from '../types.js';
import { NS, SCHEMAS, typeName, WFS_VERSION, type WfsOptions, GEOMETRY } from './config.js';
import { otherSrsNames } from './crs.js';
import { FES_COMPARISON_OPERATORS, FES_GEOMETRY_OPERANDS, FES_SPATIAL_OPERATORS } from './fes.js';
import { xmlEscape as x } from './xml.js';

export const GML_FORMAT = 'application/gml+xml; version=3.2';
export const JSON_FORMAT = 'application/json';
export const GET_FEATURE_BY_ID = 'urn:ogc:def:query:OGC-WFS::GetFeatureById';

const OPERATIONS = ['GetCapabilities', 'DescribeFeatureType', 'GetFeature', 'GetPropertyValue', 'ListStoredQueries', 'DescribeStoredQueries'];

/** Every mandatory constraint of WFS 2.0 Table 13, with what this server does. */
function constraints(countDefault: number): string {
  const flags: [string, boolean][] = [
    ['ImplementsBasicWFS', true], ['ImplementsTransactionalWFS', false], ['ImplementsLockingWFS', false], ['KVPEncoding', true],
    ['XMLEncoding', true], ['SOAPEncoding', false], ['ImplementsInheritance', false], ['ImplementsRemoteResolve', false],
    ['ImplementsResultPaging', true], ['ImplementsStandardJoins', false], ['ImplementsSpatialJoins', false],
    ['ImplementsTemporalJoins', false], ['ImplementsFeatureVersioning', false], ['ManageStoredQueries', false],
  ];
  return flags.map(([name, value]) => `<ows:Constraint name="${name}"><ows:NoValues/><ows:DefaultValue>${value ? 'TRUE' : 'FALSE'}</ows:DefaultValue></ows:Constraint>`).join('\n')
    + `\n<ows:Constraint name="CountDefault"><ows:NoValues/><ows:DefaultValue>${countDefault}</ows:DefaultValue></ows:Constraint>`
    + '\n<ows:Constraint name="QueryExpressions"><ows:AllowedValues><ows:Value>wfs:Query</ows:Value><ows:Value>wfs:StoredQuery</ows:Value></ows:AllowedValues></ows:Constraint>';
}

function filterCapabilities(): string {
  const conformance: [string, boolean][] = [
    ['ImplementsQuery', true], ['ImplementsAdHocQuery', true], ['ImplementsFunctions', false], ['ImplementsResourceId', true],
    ['ImplementsMinStandardFilter', true], ['ImplementsStandardFilter', true], ['ImplementsMinSpatialFilter', true],
    ['ImplementsSpatialFilter', true], ['ImplementsMinTemporalFilter', false], ['ImplementsTemporalFilter', false],
    ['ImplementsVersionNav', false], ['ImplementsSorting', true], ['ImplementsExtendedOperators', false],
    ['ImplementsMinimumXPath', true], ['ImplementsSchemaElementFunc', false],
  ];
  return `<fes:Filter_Capabilities>
<fes:Conformance>${conformance.map(([n, v]) => `<fes:Constraint name="${n}"><ows:NoValues/><ows:DefaultValue>${v ? 'TRUE' : 'FALSE'}</ows:DefaultValue></fes:Constraint>`).join('')}</fes:Conformance>
<fes:Id_Capabilities><fes:ResourceIdentifier name="fes:ResourceId"/></fes:Id_Capabilities>
<fes:Scalar_Capabilities><fes:LogicalOperators/><fes:ComparisonOperators>${FES_COMPARISON_OPERATORS.map((o) => `<fes:ComparisonOperator name="${o}"/>`).join('')}</fes:ComparisonOperators></fes:Scalar_Capabilities>
<fes:Spatial_Capabilities><fes:GeometryOperands>${FES_GEOMETRY_OPERANDS.map((o) => `<fes:GeometryOperand name="${o}"/>`).join('')}</fes:GeometryOperands>
<fes:SpatialOperators>${FES_SPATIAL_OPERATORS.map((o) => `<fes:SpatialOperator name="${o}"/>`).join('')}</fes:SpatialOperators></fes:Spatial_Capabilities>
</fes:Filter_Capabilities>`;
}

export async function capabilities(options: WfsOptions, collections: ServedCollection[], endpoint: string): Promise<string> {
  const countDefault = options.countDefault ?? 10_000;
  const dcp = `<ows:DCP><ows:HTTP><ows:Get xlink:href="${x(endpoint)}?"/><ows:Post xlink:href="${x(endpoint)}"/></ows:HTTP></ows:DCP>`;
  const operations = OPERATIONS.map((op) => {
    let parameters = '';
    if (op === 'GetCapabilities') parameters = `<ows:Parameter name="AcceptVersions"><ows:AllowedValues><ows:Value>${WFS_VERSION}</ows:Value></ows:AllowedValues></ows:Parameter>`;
    if (op === 'GetFeature' || op === 'GetPropertyValue') {
      parameters = `<ows:Parameter name="outputFormat"><ows:AllowedValues><ows:Value>${GML_FORMAT}</ows:Value><ows:Value>${JSON_FORMAT}</ows:Value></ows:AllowedValues></ows:Parameter>`
        + '<ows:Parameter name="resultType"><ows:AllowedValues><ows:Value>results</ows:Value><ows:Value>hits</ows:Value></ows:AllowedValues></ows:Parameter>';
    }
    if (op === 'DescribeFeatureType') parameters = `<ows:Parameter name="outputFormat"><ows:AllowedValues><ows:Value>${GML_FORMAT}</ows:Value></ows:AllowedValues></ows:Parameter>`;
    return `<ows:Operation name="${op}">${dcp}${parameters}</ows:Operation>`;
  }).join('\n');
  const others = otherSrsNames();
  const types = await Promise.all(collections.map(async ({ definition, provider }) => {
    const extent = definition.geometryType ? (await provider.stats()).extent : null;
    const box = extent ?? { minX: -180, minY: -90, maxX: 180, maxY: 90 };
    return `<wfs:FeatureType>
<wfs:Name>${x(typeName(options, definition))}</wfs:Name><wfs:Title>${x(definition.title)}</wfs:Title><wfs:Abstract>${x(definition.description)}</wfs:Abstract>
${definition.keywords?.length ? `<ows:Keywords>${definition.keywords.map((k) => `<ows:Keyword>${x(k)}</ows:Keyword>`).join('')}</ows:Keywords>` : ''}
${definition.geometryType ? `<wfs:DefaultCRS>urn:ogc:def:crs:EPSG::4326</wfs:DefaultCRS>${others.map((o) => `<wfs:OtherCRS>${o}</wfs:OtherCRS>`).join('')}` : '<wfs:NoCRS/>'}
<wfs:OutputFormats><wfs:Format>${GML_FORMAT}</wfs:Format><wfs:Format>${JSON_FORMAT}</wfs:Format></wfs:OutputFormats>
<ows:WGS84BoundingBox><ows:LowerCorner>${box.minX} ${box.minY}</ows:LowerCorner><ows:UpperCorner>${box.maxX} ${box.maxY}</ows:UpperCorner></ows:WGS84BoundingBox>
</wfs:FeatureType>`;
  }));
  const keywords = options.keywords?.length ? `<ows:Keywords>${options.keywords.map((k) => `<ows:Keyword>${x(k)}</ows:Keyword>`).join('')}</ows:Keywords>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<wfs:WFS_Capabilities version="${WFS_VERSION}" xmlns:${options.prefix}="${x(options.namespace)}" xmlns:wfs="${NS.wfs}" xmlns:ows="${NS.ows}" xmlns:fes="${NS.fes}" xmlns:gml="${NS.gml}" xmlns:xlink="${NS.xlink}" xmlns:xsi="${NS.xsi}" xsi:schemaLocation="${NS.wfs} ${SCHEMAS.wfs}">
<ows:ServiceIdentification>
<ows:Title xml:lang="fr">${x(options.title.fr)}</ows:Title><ows:Title xml:lang="en">${x(options.title.en)}</ows:Title>
<ows:Abstract xml:lang="fr">${x(options.abstract.fr)}</ows:Abstract><ows:Abstract xml:lang="en">${x(options.abstract.en)}</ows:Abstract>
${keywords}<ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>${WFS_VERSION}</ows:ServiceTypeVersion>
<ows:Fees>${x(options.fees ?? 'NONE')}</ows:Fees><ows:AccessConstraints>${x(options.accessConstraints ?? 'NONE')}</ows:AccessConstraints>
</ows:ServiceIdentification>
<ows:ServiceProvider><ows:ProviderName>${x(options.providerName ?? options.title.fr)}</ows:ProviderName>${options.providerSite ? `<ows:ProviderSite xlink:href="${x(options.providerSite)}"/>` : ''}<ows:ServiceContact/></ows:ServiceProvider>
<ows:OperationsMetadata>
${operations}
${constraints(countDefault)}
</ows:OperationsMetadata>
<wfs:FeatureTypeList>
${types.join('\n')}
</wfs:FeatureTypeList>
${filterCapabilities()}
</wfs:WFS_Capabilities>
`;
}

const XSD_TYPES: Record<PropertyDefinition['type'], string> = {
  string: 'xsd:string', integer: 'xsd:long', number: 'xsd:double', boolean: 'xsd:boolean', date: 'xsd:date', array: 'xsd:string',
};
const GEOMETRY_TYPES: Record<string, string> = {
  Point: 'gml:PointPropertyType', Polygon: 'gml:SurfacePropertyType', MultiPolygon: 'gml:MultiSurfacePropertyType',
};

export function describeFeatureType(options: WfsOptions, collections: ServedCollection[]): string {
  const p = options.prefix;
  const types = collections.map(({ definition }) => {
    const elements = definition.properties.map((prop) => `<xsd:element name="${prop.name}" type="${XSD_TYPES[prop.type]}" minOccurs="0"/>`);
    if (definition.geometryType) elements.push(`<xsd:element name="${GEOMETRY}" type="${GEOMETRY_TYPES[definition.geometryType] ?? 'gml:GeometryPropertyType'}" minOccurs="0"/>`);
    return `<xsd:complexType name="${definition.id}Type"><xsd:complexContent><xsd:extension base="gml:AbstractFeatureType"><xsd:sequence>
${elements.join('\n')}
</xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType>
<xsd:element name="${definition.id}" type="${p}:${definition.id}Type" substitutionGroup="gml:AbstractFeature"/>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="${NS.xsd}" xmlns:gml="${NS.gml}" xmlns:${p}="${x(options.namespace)}" targetNamespace="${x(options.namespace)}" elementFormDefault="qualified" version="1.0">
<xsd:import namespace="${NS.gml}" schemaLocation="${SCHEMAS.gml}"/>
${types.join('\n')}
</xsd:schema>
`;
}

export function listStoredQueries(options: WfsOptions, collections: ServedCollection[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<wfs:ListStoredQueriesResponse xmlns:wfs="${NS.wfs}" xmlns:xsi="${NS.xsi}" xmlns:${options.prefix}="${x(options.namespace)}" xsi:schemaLocation="${NS.wfs} ${SCHEMAS.wfs}">
<wfs:StoredQuery id="${GET_FEATURE_BY_ID}"><wfs:Title xml:lang="fr">Entité par identifiant</wfs:Title><wfs:Title xml:lang="en">Get feature by identifier</wfs:Title>
${collections.map(({ definition }) => `<wfs:ReturnFeatureType>${x(typeName(options, definition))}</wfs:ReturnFeatureType>`).join('')}
</wfs:StoredQuery>
</wfs:ListStoredQueriesResponse>
`;
}

export function describeStoredQueries(options: WfsOptions, collections: ServedCollection[]): string {
  const returns = collections.map(({ definition }) => typeName(options, definition)).join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<wfs:DescribeStoredQueriesResponse xmlns:wfs="${NS.wfs}" xmlns:xsi="${NS.xsi}" xmlns:xs="${NS.xsd}" xmlns:${options.prefix}="${x(options.namespace)}" xsi:schemaLocation="${NS.wfs} ${SCHEMAS.wfs}">
<wfs:StoredQueryDescription id="${GET_FEATURE_BY_ID}">
<wfs:Title xml:lang="fr">Entité par identifiant</wfs:Title><wfs:Title xml:lang="en">Get feature by identifier</wfs:Title>
<wfs:Abstract xml:lang="fr">Renvoie l'entité dont le gml:id (type.identifiant) ou l'identifiant est donné ; 404 si aucune.</wfs:Abstract>
<wfs:Parameter name="ID" type="xs:string"/>
<wfs:QueryExpressionText returnFeatureTypes="${x(returns)}" language="urn:ogc:def:queryLanguage:OGC-WFS::WFSQueryExpression" isPrivate="true"/>
</wfs:StoredQueryDescription>
</wfs:DescribeStoredQueriesResponse>
`;
}
