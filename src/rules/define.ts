import type { Rule, RuleDefinition } from './types.js';

// Rule docs live next to each rule (src/rules/<name>/README.md); this is the one place that says
// where they are published.

export const REPOSITORY_URL = 'https://github.com/warmbuild/warmbuild';
export const RULE_DOCS_BASE = `${REPOSITORY_URL}/blob/main/src/rules`;

export function ruleDocsUrl(name: string): string {
  return `${RULE_DOCS_BASE}/${name}/README.md`;
}

/**
 * A `defineRule` whose rules get their docs URL from `urlFor(name)`, as typescript-eslint's
 * `RuleCreator`. The message ids a rule may report are the keys of its `meta.messages`.
 */
export function ruleCreator(urlFor: (name: string) => string) {
  return <M extends string>(definition: RuleDefinition<M>): Rule<M> => ({ ...definition, url: urlFor(definition.name) });
}

/** Defines a warmbuild rule: a typo in a `messageId` or a `fixTitles` key does not compile. */
export const defineRule = ruleCreator(ruleDocsUrl);
