// Named sites placed by hand: power plants, large dams, canal feeds, coastal industry.
// Communes are current INSEE codes (checked by the tests); weights are relative annual volumes
// (≈ Mm³/year), rescaled to the national totals of profiles.ts.
import type { MerKey, MilieuKey } from '../codelists.js';

export interface Site {
  commune: string;
  name: string;
  weight: number;
  milieu: MilieuKey;
  river?: string;
  mer?: MerKey;
  /** First and last year of operation within 2008-2023 when not the whole period. */
  from?: number;
  to?: number;
}

const c = (commune: string, name: string, weight: number, river: string, extra: Partial<Site> = {}): Site =>
  ({ commune, name, weight, milieu: 'continental', river, ...extra });
const sea = (commune: string, name: string, weight: number, mer: MerKey, extra: Partial<Site> = {}): Site =>
  ({ commune, name, weight, milieu: 'littoral', mer, ...extra });

/** Cooling of nuclear and thermal power plants (usage ENERGIE): open circuits dominate. */
export const COOLING_SITES: readonly Site[] = [
  c('26324', 'CNPE DU TRICASTIN', 4800, 'LE RHONE'),
  c('38353', 'CNPE DE SAINT-ALBAN', 3600, 'LE RHONE'),
  c('01390', 'CNPE DU BUGEY', 2800, 'LE RHONE'),
  c('68091', 'CNPE DE FESSENHEIM', 1800, 'LE RHIN', { to: 2020 }),
  c('33073', 'CNPE DU BLAYAIS', 3000, 'LA GIRONDE'),
  c('07076', 'CNPE DE CRUAS-MEYSSE', 150, 'LE RHONE'),
  c('18026', 'CNPE DE BELLEVILLE', 120, 'LA LOIRE'),
  c('45122', 'CNPE DE DAMPIERRE', 220, 'LA LOIRE'),
  c('41220', 'CNPE DE SAINT-LAURENT-DES-EAUX', 130, 'LA LOIRE'),
  c('37011', 'CNPE DE CHINON', 250, 'LA LOIRE'),
  c('86077', 'CNPE DE CIVAUX', 60, 'LA VIENNE'),
  c('82072', 'CNPE DE GOLFECH', 110, 'LA GARONNE'),
  c('57124', 'CNPE DE CATTENOM', 200, 'LA MOSELLE'),
  c('10268', 'CNPE DE NOGENT-SUR-SEINE', 110, 'LA SEINE'),
  c('08122', 'CNPE DE CHOOZ', 130, 'LA MEUSE'),
  sea('59273', 'CNPE DE GRAVELINES', 1500, 'merDuNord'),
  sea('76618', 'CNPE DE PENLY', 800, 'manche'),
  sea('76493', 'CNPE DE PALUEL', 1100, 'manche'),
  sea('50184', 'CNPE DE FLAMANVILLE', 700, 'manche'),
  c('44045', 'CENTRALE THERMIQUE DE CORDEMAIS', 900, 'LA LOIRE'),
  sea('76351', 'CENTRALE THERMIQUE DU HAVRE', 300, 'manche', { to: 2021 }),
  c('78501', 'CENTRALE THERMIQUE DE PORCHEVILLE', 150, 'LA SEINE', { to: 2017 }),
  c('54079', 'CENTRALE DE BLENOD', 150, 'LA MOSELLE'),
  c('57606', 'CENTRALE EMILE HUCHET', 80, 'LA ROSSELLE'),
  c('13041', 'CENTRALE DE PROVENCE', 30, 'LA LUYNES'),
  sea('13056', 'CENTRALE DE MARTIGUES PONTEAU', 400, 'mediterranee'),
  c('59092', 'CENTRALE DE BOUCHAIN', 40, "L'ESCAUT"),
  c('94081', 'CENTRALE THERMIQUE DE VITRY', 60, 'LA SEINE', { to: 2015 }),
  c('30012', "CENTRALE THERMIQUE D'ARAMON", 200, 'LE RHONE', { to: 2016 }),
  c('57452', 'CENTRALE DE LA MAXE', 90, 'LA MOSELLE', { to: 2015 }),
  c('29105', 'CENTRALE DE LANDIVISIAU', 5, "L'ELORN", { from: 2022 }),
  sea('97407', 'CENTRALE DU PORT EST', 25, 'indien'),
  sea('97234', 'CENTRALE DE BELLEFONTAINE', 20, 'caraibes'),
  sea('97103', 'CENTRALE DE JARRY', 20, 'caraibes'),
  sea('97309', 'CENTRALE DU DEGRAD DES CANNES', 10, 'atlantique'),
  sea('97610', 'CENTRALE DE LONGONI', 8, 'indien'),
];

/** Hydroelectric plants (usage EAU TURBINEE): run-of-river Rhône/Rhine, Durance chain, high heads. */
export const HYDRO_SITES: readonly Site[] = [
  c('01189', 'AMENAGEMENT HYDROELECTRIQUE DE GENISSIAT', 12000, 'LE RHONE'),
  c('01407', 'AMENAGEMENT HYDROELECTRIQUE DE SEYSSEL', 12000, 'LE RHONE'),
  c('73286', 'AMENAGEMENT HYDROELECTRIQUE DE CHAUTAGNE', 13000, 'LE RHONE'),
  c('01034', 'AMENAGEMENT HYDROELECTRIQUE DE BELLEY', 13000, 'LE RHONE'),
  c('01058', 'AMENAGEMENT HYDROELECTRIQUE DE BREGNIER-CORDON', 13500, 'LE RHONE'),
  c('01396', 'AMENAGEMENT HYDROELECTRIQUE DE SAULT-BRENAZ', 14000, 'LE RHONE'),
  c('38336', 'AMENAGEMENT HYDROELECTRIQUE DE VAUGRIS', 32000, 'LE RHONE'),
  c('42272', 'AMENAGEMENT HYDROELECTRIQUE DE SAINT-PIERRE-DE-BOEUF', 32000, 'LE RHONE'),
  c('38349', 'AMENAGEMENT HYDROELECTRIQUE DE SABLONS', 33000, 'LE RHONE'),
  c('26380', 'AMENAGEMENT HYDROELECTRIQUE DE GERVANS', 33000, 'LE RHONE'),
  c('26058', 'AMENAGEMENT HYDROELECTRIQUE DE BOURG-LES-VALENCE', 44000, 'LE RHONE'),
  c('07027', 'AMENAGEMENT HYDROELECTRIQUE DE BEAUCHASTEL', 45000, 'LE RHONE'),
  c('07022', 'AMENAGEMENT HYDROELECTRIQUE DE BAIX-LE LOGIS-NEUF', 45000, 'LE RHONE'),
  c('26085', 'AMENAGEMENT HYDROELECTRIQUE DE CHATEAUNEUF-DU-RHONE', 46000, 'LE RHONE'),
  c('84019', 'USINE ANDRE BLONDEL DONZERE-MONDRAGON', 47000, 'LE RHONE'),
  c('84027', 'AMENAGEMENT HYDROELECTRIQUE DE CADEROUSSE', 47000, 'LE RHONE'),
  c('30312', "AMENAGEMENT HYDROELECTRIQUE D'AVIGNON", 50000, 'LE RHONE'),
  c('30032', 'AMENAGEMENT HYDROELECTRIQUE DE VALLABREGUES', 53000, 'LE RHONE'),
  c('68163', 'CENTRALE HYDROELECTRIQUE DE KEMBS', 30000, 'LE RHIN'),
  c('68253', "CENTRALE HYDROELECTRIQUE D'OTTMARSHEIM", 30000, 'LE RHIN'),
  c('68091', 'CENTRALE HYDROELECTRIQUE DE FESSENHEIM', 30000, 'LE RHIN'),
  c('68351', 'CENTRALE HYDROELECTRIQUE DE VOGELGRUN', 30000, 'LE RHIN'),
  c('67281', 'CENTRALE HYDROELECTRIQUE DE MARCKOLSHEIM', 30000, 'LE RHIN'),
  c('67397', 'CENTRALE HYDROELECTRIQUE DE RHINAU', 30000, 'LE RHIN'),
  c('67154', 'CENTRALE HYDROELECTRIQUE DE GERSTHEIM', 30000, 'LE RHIN'),
  c('67482', 'CENTRALE HYDROELECTRIQUE DE STRASBOURG', 30000, 'LE RHIN'),
  c('67151', 'CENTRALE HYDROELECTRIQUE DE GAMBSHEIM', 31000, 'LE RHIN'),
  c('05127', 'BARRAGE DE SERRE-PONCON', 3000, 'LA DURANCE'),
  c('04209', 'USINE HYDROELECTRIQUE DE SISTERON', 5000, 'LA DURANCE'),
  c('04143', "USINE HYDROELECTRIQUE D'ORAISON", 6000, 'LA DURANCE'),
  c('04197', 'USINE HYDROELECTRIQUE DE SAINTE-TULLE', 6000, 'LA DURANCE'),
  c('13048', 'USINE HYDROELECTRIQUE DE JOUQUES', 6000, 'LA DURANCE'),
  c('13053', 'USINE HYDROELECTRIQUE DE MALLEMORT', 6000, 'LA DURANCE'),
  c('13103', 'USINE HYDROELECTRIQUE DE SALON', 6000, 'LA DURANCE'),
  c('13092', 'USINE HYDROELECTRIQUE DE SAINT-CHAMAS', 6000, 'LA DURANCE'),
  c('38527', "STEP DE GRAND'MAISON", 300, "L'EAU D'OLLE"),
  c('73032', 'USINE DE LA BATHIE (ROSELEND)', 600, 'LE DORON DE BEAUFORT'),
  c('73023', "USINE HYDROELECTRIQUE D'AUSSOIS", 300, "L'ARC"),
  c('73322', 'USINE HYDROELECTRIQUE DE VILLARODIN', 900, "L'ARC"),
  c('73194', "USINE HYDROELECTRIQUE D'ORELLE", 500, "L'ARC"),
  c('73212', 'USINE HYDROELECTRIQUE DE RANDENS', 2500, "L'ARC"),
  c('38100', 'STEP DU CHEYLAS', 500, "L'ISERE"),
  c('65192', 'USINE HYDROELECTRIQUE DE PRAGNERES', 400, 'LE GAVE DE GAVARNIE'),
  c('65295', 'USINE HYDROELECTRIQUE DE LUZ', 300, 'LE GAVE DE PAU'),
  c('19028', 'BARRAGE DE BORT-LES-ORGUES', 2500, 'LA DORDOGNE'),
  c('12036', 'USINE HYDROELECTRIQUE DE BROMMAT', 2500, 'LA TRUYERE'),
  c('12151', 'STEP DE MONTEZIC', 900, 'LA TRUYERE'),
  c('12110', 'BARRAGE DE GOLINHAC', 3000, 'LE LOT'),
  c('19113', 'BARRAGE DE MAREGES', 2800, 'LA DORDOGNE'),
  c('15036', "BARRAGE DE L'AIGLE", 3000, 'LA DORDOGNE'),
  c('36070', "BARRAGE D'EGUZON", 2000, 'LA CREUSE'),
  c('42332', 'BARRAGE DE VILLEREST', 4000, 'LA LOIRE'),
  c('42279', 'BARRAGE DE GRANGENT', 3500, 'LA LOIRE'),
  c('97312', 'BARRAGE DE PETIT-SAUT', 8000, 'LE SINNAMARY'),
  c('97419', "USINE DE LA RIVIERE DE L'EST", 300, "LA RIVIERE DE L'EST"),
  c('97410', 'USINE DE TAKAMAKA', 200, 'LA RIVIERE DES MARSOUINS'),
];

/** Feeds of navigation canals (usage CANAUX); 1.54 Mm³/km/year is the arrêté's flat rate. */
export const CANAL_SITES: readonly Site[] = [
  c('11243', 'PRISE DU SEUIL DE NAUROUZE CANAL DU MIDI', 40, 'LA RIGOLE DE LA PLAINE'),
  c('31451', 'RIGOLE DE LA PLAINE CANAL DU MIDI', 30, 'LA RIGOLE DE LA PLAINE'),
  c('21501', 'RESERVOIRS ALIMENTATION CANAL DE BOURGOGNE', 20, "L'ARMANCON"),
  c('21231', 'PRISE CANAL DE BOURGOGNE DIJON', 8, "L'OUCHE"),
  c('71306', 'RIGOLE ALIMENTATION CANAL DU CENTRE', 15, 'LA BOURBINCE'),
  c('71176', 'PRISE CANAL LATERAL A LA LOIRE DIGOIN', 20, 'LA LOIRE'),
  c('58095', 'PRISE CANAL LATERAL A LA LOIRE DECIZE', 15, 'LA LOIRE'),
  c('45053', 'ALIMENTATION CANAL DE BRIARE', 12, 'LA LOIRE'),
  c('89324', 'RIGOLE DE LA TREZEE CANAL DE BRIARE', 6, 'LE LOING'),
  c('45101', "RESERVOIR DE COMBREUX CANAL D'ORLEANS", 4, "L'OUSSON"),
  c('57564', 'ETANG DE RECHICOURT CANAL DE LA MARNE AU RHIN', 15, 'LA SARRE'),
  c('67437', 'PRISE CANAL DE LA MARNE AU RHIN SAVERNE', 8, 'LA ZORN'),
  c('88209', 'RIGOLE DE GOLBEY CANAL DES VOSGES', 12, 'LA MOSELLE'),
  c('60380', "PRISE CANAL DE L'OURCQ", 25, "L'OURCQ"),
  c('02691', 'ALIMENTATION CANAL DE SAINT-QUENTIN', 15, "L'ESCAUT"),
  c('80021', 'PRISE CANAL DE LA SOMME', 10, 'LA SOMME'),
  c('22061', 'RIGOLE DE GLOMEL CANAL DE NANTES A BREST', 6, 'LE BLAVET'),
  c('56178', 'PRISE CANAL DE NANTES A BREST PONTIVY', 8, 'LE BLAVET'),
  c('35238', "PRISE CANAL D'ILLE-ET-RANCE", 6, 'LA VILAINE'),
  c('68224', 'PRISE CANAL DU RHONE AU RHIN MULHOUSE', 15, "L'ILL"),
  c('25056', 'PRISE CANAL DU RHONE AU RHIN BESANCON', 10, 'LE DOUBS'),
  c('11262', 'PRISE CANAL DE LA ROBINE', 10, "L'AUDE"),
  c('47001', 'PRISE CANAL DE GARONNE AGEN', 15, 'LA GARONNE'),
  c('82112', 'PRISE CANAL DE GARONNE MOISSAC', 10, 'LE TARN'),
  c('03185', 'ALIMENTATION CANAL DE BERRY', 4, 'LE CHER'),
  c('59331', 'PRISE CANAL DE LA SAMBRE A L\'OISE', 6, 'LA SAMBRE'),
  c('52269', 'RESERVOIRS ALIMENTATION CANAL ENTRE CHAMPAGNE ET BOURGOGNE', 12, 'LA MARNE'),
  c('42187', 'PRISE CANAL DE ROANNE A DIGOIN', 8, 'LA LOIRE'),
];

/** Coastal industrial communes (refineries, steel, chemistry, ports) drawing sea water. */
export const PORT_COMMUNES: readonly { commune: string; mer: MerKey }[] = [
  { commune: '59183', mer: 'merDuNord' }, { commune: '62193', mer: 'manche' }, { commune: '62160', mer: 'manche' },
  { commune: '76351', mer: 'manche' }, { commune: '76305', mer: 'manche' }, { commune: '76476', mer: 'manche' },
  { commune: '76217', mer: 'manche' }, { commune: '50129', mer: 'manche' }, { commune: '35288', mer: 'manche' },
  { commune: '29019', mer: 'atlantique' }, { commune: '56121', mer: 'atlantique' }, { commune: '44184', mer: 'atlantique' },
  { commune: '44052', mer: 'atlantique' }, { commune: '44103', mer: 'atlantique' }, { commune: '17300', mer: 'atlantique' },
  { commune: '17299', mer: 'atlantique' }, { commune: '64102', mer: 'atlantique' }, { commune: '40312', mer: 'atlantique' },
  { commune: '13039', mer: 'mediterranee' }, { commune: '13056', mer: 'mediterranee' }, { commune: '13014', mer: 'mediterranee' },
  { commune: '13078', mer: 'mediterranee' }, { commune: '13055', mer: 'mediterranee' }, { commune: '34301', mer: 'mediterranee' },
  { commune: '34108', mer: 'mediterranee' }, { commune: '11266', mer: 'mediterranee' }, { commune: '83137', mer: 'mediterranee' },
  { commune: '2A004', mer: 'mediterranee' }, { commune: '2B033', mer: 'mediterranee' }, { commune: '97407', mer: 'indien' },
  { commune: '97103', mer: 'caraibes' }, { commune: '97209', mer: 'caraibes' }, { commune: '97304', mer: 'atlantique' },
  { commune: '97610', mer: 'indien' },
];
