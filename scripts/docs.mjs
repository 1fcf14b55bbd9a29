#!/usr/bin/env node
// Writes the README's rules table and each rule README's header from the rules' meta (see
// src/rules/docs.ts). Runs on the build: `npm run docs` builds first.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { rules } = await import(path.join(root, 'dist', 'rules', 'index.js'));
const { withRulesTable, withRuleHeader } = await import(path.join(root, 'dist', 'rules', 'docs.js'));

function update(file, render) {
  const before = readFileSync(file, 'utf8');
  const after = render(before);
  if (after !== before) {
    writeFileSync(file, after);
    console.log(`wrote ${path.relative(root, file)}`);
  }
}

update(path.join(root, 'README.md'), (text) => withRulesTable(text, rules));
for (const rule of rules) update(path.join(root, 'src', 'rules', rule.name, 'README.md'), (text) => withRuleHeader(text, rule));
