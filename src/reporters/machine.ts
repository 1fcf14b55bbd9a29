import { createHash } from 'node:crypto';
import type { Edit } from '../fix/edits.js';
import type { FileResult, Finding } from '../results.js';
import { REPOSITORY_URL, ruleDocsUrl } from '../rules/define.js';
import { rules } from '../rules/index.js';
import type { Severity } from '../rules/types.js';

// Machine-readable reporters: each a pure function of the results.

/** An edit as ESLint's JSON writes a fix: offsets into the file's text (UTF-16 code units), end exclusive. */
function jsonEdit(edit: Edit): { range: [number, number]; text: string } {
  return { range: [edit.span.start, edit.span.end], text: edit.text };
}

/**
 * GitLab Code Quality category and, for the security rules, GitHub's SARIF `security-severity`
 * (0-10: 7 and above is "high"). Security rules: leaked credentials, turned-off checksums, a module
 * fetch that can silently go without its credentials, a build cache another project can poison.
 */
export const RULE_CLASS: Readonly<Record<string, { category: 'Security' | 'Performance' | 'Bug Risk'; securitySeverity?: string }>> = {
  'go-build-cache': { category: 'Performance' },
  'go-mod-cache': { category: 'Performance' },
  'cache-target-mismatch': { category: 'Performance' },
  'copy-before-mod-download': { category: 'Performance' },
  'go-build-force': { category: 'Performance' },
  'cache-mount-nonroot': { category: 'Bug Risk' },
  'go-cache-locked': { category: 'Performance' },
  'go-build-in-make': { category: 'Performance' },
  buildvcs: { category: 'Bug Risk' },
  'toolchain-mismatch': { category: 'Bug Risk' },
  'secret-in-arg-env': { category: 'Security', securitySeverity: '8.0' },
  'secret-mount-required': { category: 'Security', securitySeverity: '3.0' },
  'checksum-off': { category: 'Security', securitySeverity: '6.5' },
  'targetarch-before-download': { category: 'Performance' },
  'cache-id-shared-across-projects': { category: 'Security', securitySeverity: '5.0' },
  'go-build-emulated': { category: 'Performance' },
  'unused-ignore': { category: 'Bug Risk' },
};

export function json(results: readonly FileResult[]): string {
  const files = results.map((r) =>
    r.error
      ? { path: r.path, error: r.error, findings: [] }
      : {
          path: r.path,
          findings: r.findings.map((f) => ({
            rule: f.rule,
            code: f.code,
            messageId: f.messageId,
            severity: f.severity,
            line: f.line,
            column: f.column,
            endLine: f.endLine,
            endColumn: f.endColumn,
            message: f.message,
            fix: f.fix,
            docs: ruleDocsUrl(f.rule),
            fixTitle: f.fixTitle,
            edits: f.edits.map(jsonEdit),
            suggestions: f.suggestions.map((s) => ({ messageId: s.messageId, title: s.title, edits: s.edits.map(jsonEdit) })),
          })),
        },
  );
  const all = results.flatMap((r) => r.findings);
  const count = (s: Severity): number => all.filter((f) => f.severity === s).length;
  return `${JSON.stringify(
    {
      version: 1,
      files,
      summary: {
        files: results.length,
        findings: all.length,
        errors: results.filter((r) => r.error).length,
        bySeverity: { error: count('error'), warning: count('warning'), info: count('info') },
      },
    },
    null,
    2,
  )}\n`;
}

/**
 * A fingerprint that survives lines moving: the rule, the file, the trimmed text of the finding's
 * line, and which occurrence of that same text it is.
 */
export function fingerprints(result: FileResult): string[] {
  const lines = (result.source ?? '').split(/\r\n|\n|\r/);
  const seen = new Map<string, number>();
  return result.findings.map((f) => {
    const key = `${f.code}\u0000${result.path}\u0000${(lines[f.line - 1] ?? '').trim()}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return createHash('sha256').update(`${key}\u0000${occurrence}`).digest('hex').slice(0, 32);
  });
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note' };

export function sarif(results: readonly FileResult[], options: { toolVersion?: string } = {}): string {
  const driverRules = rules.map((r) => {
    const securitySeverity = RULE_CLASS[r.name]?.securitySeverity;
    return {
      id: r.code,
      name: r.name,
      shortDescription: { text: r.meta.description },
      helpUri: r.url,
      help: { text: `${r.meta.description} See ${ruleDocsUrl(r.name)}`, markdown: `${r.meta.description} [Documentation](${ruleDocsUrl(r.name)})` },
      defaultConfiguration: { level: r.meta.optIn ? 'none' : SARIF_LEVEL[r.meta.severity], ...(r.meta.optIn ? { enabled: false } : {}) },
      properties: securitySeverity
        ? { tags: ['security'], 'security-severity': securitySeverity }
        : { tags: [RULE_CLASS[r.name]?.category.toLowerCase() ?? 'performance'] },
    };
  });
  const sarifResults = results.flatMap((r) => {
    const prints = fingerprints(r);
    return r.findings.map((f, i) => ({
      ruleId: f.code,
      ruleIndex: rules.findIndex((rule) => rule.code === f.code),
      level: SARIF_LEVEL[f.severity],
      message: { text: f.message },
      locations: [location(r.path, f)],
      partialFingerprints: { 'warmbuild/v1': prints[i] },
    }));
  });
  const notifications = results
    .filter((r) => r.error)
    .map((r) => ({ level: 'error', message: { text: r.error }, locations: [{ physicalLocation: { artifactLocation: { uri: toUri(r.path) } } }] }));
  const run = {
    tool: {
      driver: { name: 'warmbuild', ...(options.toolVersion ? { version: options.toolVersion } : {}), informationUri: REPOSITORY_URL, rules: driverRules },
    },
    results: sarifResults,
    invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
  };
  return `${JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] }, null, 2)}\n`;
}

function toUri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function location(file: string, f: Finding): object {
  return {
    physicalLocation: {
      artifactLocation: { uri: toUri(file) },
      region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
    },
  };
}

const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands, which the runner turns into annotations. */
export function github(results: readonly FileResult[]): string {
  const lines = results.flatMap((r) => {
    if (r.error) return [`::error file=${escapeProperty(r.path)}::${escapeData(r.error)}`];
    return r.findings.map(
      (f) =>
        `::${GITHUB_LEVEL[f.severity]} file=${escapeProperty(r.path)},line=${f.line},col=${f.column},endLine=${f.endLine},endColumn=${f.endColumn},title=${escapeProperty(`${f.code} ${f.rule}`)}::${escapeData(`${f.message}\nDocs: ${ruleDocsUrl(f.rule)}`)}`,
    );
  });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

const GITLAB_SEVERITY: Record<Severity, string> = { error: 'major', warning: 'minor', info: 'info' };

/** GitLab Code Quality report (a JSON array of issues). */
export function gitlab(results: readonly FileResult[]): string {
  const issues = results.flatMap((r) => {
    const prints = fingerprints(r);
    return r.findings.map((f, i) => ({
      type: 'issue',
      check_name: `${f.code} ${f.rule}`,
      description: `${f.message} Docs: ${ruleDocsUrl(f.rule)}`,
      categories: [RULE_CLASS[f.rule]?.category ?? 'Performance'],
      content: { body: `[${f.code} ${f.rule}](${ruleDocsUrl(f.rule)})` },
      severity: GITLAB_SEVERITY[f.severity],
      fingerprint: prints[i],
      location: { path: r.path, lines: { begin: f.line, end: f.endLine } },
    }));
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}

/**
 * An XML 1.0 attribute value: markup escaped, tab and line breaks as character references (a parser
 * would otherwise normalise them to spaces), and the characters XML 1.0 cannot carry at all (other
 * C0 controls, lone surrogates, U+FFFE/U+FFFF) written as visible `\uXXXX` text.
 */
function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
}

export function checkstyle(results: readonly FileResult[]): string {
  const files = results.map((r) => {
    const errors = r.error
      ? [`    <error line="1" column="1" severity="error" message="${xml(r.error)}" source="warmbuild.input"/>`]
      : r.findings.map(
          (f) =>
            `    <error line="${f.line}" column="${f.column}" severity="${f.severity}" message="${xml(`${f.message} (${ruleDocsUrl(f.rule)})`)}" source="warmbuild.${f.code}.${f.rule}"/>`,
        );
    return [`  <file name="${xml(r.path)}">`, ...errors, '  </file>'].join('\n');
  });
  return ['<?xml version="1.0" encoding="utf-8"?>', '<checkstyle version="4.3">', ...files, '</checkstyle>', ''].join('\n');
}
