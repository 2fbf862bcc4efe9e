// Colours of the usages on the map (codes from the code lists, so real codes replace guesses in one place).
import { USAGES } from './codelists.js';

export const USAGE_COLORS: Record<string, string> = {
  [USAGES.eauPotable.code]: '#0063cb',
  [USAGES.irrigation.code]: '#18753c',
  [USAGES.industrie.code]: '#b34000',
  [USAGES.energie.code]: '#ce0500',
  [USAGES.canaux.code]: '#6e445a',
  [USAGES.eauTurbinee.code]: '#7b7b7b',
};
