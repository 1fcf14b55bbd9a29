import type { Node, Pair } from 'yaml';
import { ConfigError, type ConfigProblem } from './errors.js';
import type { RuleSetting } from './lint.js';
import { findRule, rules } from './rules/index.js';
import { didYouMean as hint } from './suggest.js';
import { yaml } from './yaml.js';

export type FailLevel = 'error' | 'warning' | 'info' | 'none';

export interface Config {
  /** Severity per rule name or code. */
  rules: Record<string, RuleSetting>;
  failLevel?: FailLevel;
  /** The Dockerfiles are built for several platforms (true) or one (false); unset: each file tells. */
  multiPlatform?: boolean;
}

export const CONFIG_FILES = ['.warmbuild.json', '.warmbuild.yaml', '.warmbuild.yml'] as const;

export const RULE_SETTINGS = ['off', 'error', 'warning', 'info'] as const satisfies readonly RuleSetting[];
export const FAIL_LEVELS = ['error', 'warning', 'info', 'none'] as const satisfies readonly FailLevel[];

/** Where the published schema lives; config files may name it in `$schema`. */
export const SCHEMA_URL = 'https://raw.githubusercontent.com/warmbuild/warmbuild/main/schema/warmbuild.schema.json';

export function isRuleSetting(value: string): value is RuleSetting {
  return (RULE_SETTINGS as readonly string[]).includes(value);
}

function isFailLevel(value: string): value is FailLevel {
  return (FAIL_LEVELS as readonly string[]).includes(value);
}

const KEYS = ['$schema', 'rules', 'failLevel', 'multiPlatform'] as const;

/** The JSON Schema of the config file, generated from the rule registry (schema/warmbuild.schema.json is this, written out). */
export function configSchema(): object {
  const setting = { enum: [...RULE_SETTINGS] };
  const ruleProperties = Object.fromEntries(
    rules.flatMap((r) => [
      [r.name, { ...setting, description: `${r.code}: ${r.meta.description} Default: ${r.meta.optIn ? 'off' : r.meta.severity}.` }],
      [r.code, { ...setting, description: `${r.name}: ${r.meta.description}` }],
    ]),
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_URL,
    title: 'warmbuild config (.warmbuild.json, .warmbuild.yaml, .warmbuild.yml)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'The JSON Schema of this file, for editors.' },
      rules: {
        type: 'object',
        description: 'Severity per rule, by name or code: off, error, warning or info.',
        additionalProperties: false,
        properties: ruleProperties,
      },
      failLevel: { enum: [...FAIL_LEVELS], description: 'Lowest severity that makes `warmbuild check` exit 1. Default: warning.' },
    },
  };
}

/**
 * Parses and validates a config file (JSON is read as YAML 1.2, of which it is a subset, so both
 * report errors with lines). Unknown keys, rules and values are errors, all reported at once.
 */
export function parseConfig(text: string, file: string): Config {
  const { isMap, isScalar, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  const problems: ConfigProblem[] = doc.errors.map((e) => ({ line: lineCounter.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! }));
  if (problems.length > 0) throw new ConfigError(file, problems);
  const config: Config = { rules: {} };
  if (doc.contents === null) return config;
  if (!isMap(doc.contents)) throw new ConfigError(file, [{ line: lineOf(doc.contents), message: 'the config must be an object' }]);
  const ruleNames = rules.flatMap((r) => [r.name, r.code]);
  for (const pair of doc.contents.items as Pair<Node, Node>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    switch (key) {
      case '$schema':
        if (!isScalar(pair.value) || typeof pair.value.value !== 'string')
          problems.push({ line: lineOf(pair.value ?? pair.key), message: '"$schema" must be a string' });
        break;
      case 'rules': {
        if (!isMap(pair.value)) {
          problems.push({ line: lineOf(pair.value ?? pair.key), message: '"rules" must map rule names or codes to off, error, warning or info' });
          break;
        }
        for (const rulePair of pair.value.items as Pair<Node, Node>[]) {
          const name = isScalar(rulePair.key) ? String(rulePair.key.value) : '';
          const rule = findRule(name);
          const value = isScalar(rulePair.value) ? String(rulePair.value.value) : '';
          if (!rule) problems.push({ line: lineOf(rulePair.key), message: `unknown rule "${name}"${hint(name, ruleNames)} (see \`warmbuild rules\`)` });
          if (!isRuleSetting(value))
            problems.push({
              line: lineOf(rulePair.value ?? rulePair.key),
              message: `rule "${name}": expected off, error, warning or info, got "${value}"${hint(value, RULE_SETTINGS)}`,
            });
          else if (rule) config.rules[rule.name] = value;
        }
        break;
      }
      case 'failLevel': {
        const value = isScalar(pair.value) ? String(pair.value.value) : '';
        if (!isFailLevel(value))
          problems.push({
            line: lineOf(pair.value ?? pair.key),
            message: `"failLevel": expected error, warning, info or none, got "${value}"${hint(value, FAIL_LEVELS)}`,
          });
        else config.failLevel = value;
        break;
      }
      case 'multiPlatform': {
        if (!isScalar(pair.value) || typeof pair.value.value !== 'boolean')
          problems.push({ line: lineOf(pair.value ?? pair.key), message: '"multiPlatform": expected true or false' });
        else config.multiPlatform = pair.value.value;
        break;
      }
      default:
        problems.push({ line: lineOf(pair.key), message: `unknown key "${key}"${hint(key, KEYS)} (allowed: ${KEYS.join(', ')})` });
    }
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  return config;
}
