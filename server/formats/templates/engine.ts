// HTML through Eta templates that escape every `<%= %>` by default; `<%~ %>` (raw) only takes
// markup a template produced (the `Html` type) or JSON made safe for a data block (`safeJson`).
// Templates live in TypeScript modules (compiled into dist/ with the rest, no files to copy).
import { Eta } from 'eta';
import { formatNumber, t, type Lang, type MessageKey } from '../../i18n.js';
import { LAYOUT_TEMPLATES } from './layout.js';
import { PAGE_TEMPLATES } from './pages.js';
import { TILES_TEMPLATES } from './tiles.js';

/** Markup rendered by a template: the only string a template writes raw. */
export type Html = string & { readonly __html: unique symbol };

const eta = new Eta({ autoEscape: true, autoTrim: false, useWith: false, varName: 'it', cache: true });
for (const [name, source] of Object.entries({ ...LAYOUT_TEMPLATES, ...PAGE_TEMPLATES, ...TILES_TEMPLATES })) eta.loadTemplate(`@${name}`, source);

/** JSON for a `<script type="application/json">` block: `<` escaped, so `</script>` cannot end it. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value ?? null).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Helpers every template gets beside its data: messages and numbers in the page's language. */
function helpers(lang: Lang) {
  return {
    lang,
    t: (key: MessageKey, ...args: (string | number)[]) => t(lang, key, ...args),
    n: (value: number) => formatNumber(lang, value),
    json: safeJson,
  };
}

export type TemplateName = keyof typeof LAYOUT_TEMPLATES | keyof typeof PAGE_TEMPLATES | keyof typeof TILES_TEMPLATES;

export function render(name: TemplateName, lang: Lang, data: object): Html {
  return eta.render(`@${name}`, { ...helpers(lang), ...data }) as Html;
}
