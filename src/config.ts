import { LineCounter, isMap, isScalar, parseDocument, type Node, type Pair } from 'yaml';
import { ConfigError } from './errors.js';
import type { RuleSetting } from './lint.js';
import { findRule } from './rules/index.js';

export type FailLevel = 'error' | 'warning' | 'info' | 'none';

export interface Config {
  /** Severity per rule name or code. */
  rules: Record<string, RuleSetting>;
  failLevel?: FailLevel;
  /** The Dockerfiles are built for several platforms (true) or one (false); unset: each file tells. */
  multiPlatform?: boolean;
}

export const CONFIG_FILES = ['.warmbuild.json', '.warmbuild.yaml', '.warmbuild.yml'] as const;

const SETTINGS = new Set(['off', 'error', 'warning', 'info']);
const FAIL_LEVELS = new Set(['error', 'warning', 'info', 'none']);

/**
 * Parses and validates a config file (JSON is read as YAML 1.2, of which it is a subset, so both
 * report errors with lines). Unknown keys, rules and values are errors.
 */
export function parseConfig(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  const firstError = doc.errors[0];
  if (firstError) throw new ConfigError(file, lineCounter.linePos(firstError.pos[0]).line, firstError.message.split('\n')[0]!);
  const config: Config = { rules: {} };
  if (doc.contents === null) return config;
  if (!isMap(doc.contents)) throw new ConfigError(file, lineOf(doc.contents), 'the config must be an object');
  for (const pair of doc.contents.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    switch (key) {
      case 'rules': {
        if (!isMap(pair.value)) throw new ConfigError(file, lineOf(pair.value ?? pair.key), '"rules" must map rule names or codes to off, error, warning or info');
        for (const rulePair of pair.value.items as Pair<Node, Node>[]) {
          const name = isScalar(rulePair.key) ? String(rulePair.key.value) : '';
          const rule = findRule(name);
          if (!rule) throw new ConfigError(file, lineOf(rulePair.key), `unknown rule "${name}" (see \`warmbuild rules\`)`);
          const value = isScalar(rulePair.value) ? String(rulePair.value.value) : '';
          if (!SETTINGS.has(value)) throw new ConfigError(file, lineOf(rulePair.value ?? rulePair.key), `rule "${name}": expected off, error, warning or info, got "${value}"`);
          config.rules[rule.name] = value as RuleSetting;
        }
        break;
      }
      case 'failLevel': {
        const value = isScalar(pair.value) ? String(pair.value.value) : '';
        if (!FAIL_LEVELS.has(value)) throw new ConfigError(file, lineOf(pair.value ?? pair.key), `"failLevel": expected error, warning, info or none, got "${value}"`);
        config.failLevel = value as FailLevel;
        break;
      }
      case 'multiPlatform': {
        if (!isScalar(pair.value) || typeof pair.value.value !== 'boolean') throw new ConfigError(file, lineOf(pair.value ?? pair.key), '"multiPlatform": expected true or false');
        config.multiPlatform = pair.value.value;
        break;
      }
      default:
        throw new ConfigError(file, lineOf(pair.key), `unknown key "${key}" (allowed: rules, failLevel, multiPlatform)`);
    }
  }
  return config;
}
